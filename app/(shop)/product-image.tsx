/**
 * A product picture as a plain <img>. The pictures are SVGs shipped in public/
 * and served as they are, so next/image (with `unoptimized`, as it was) added
 * nothing but its client component, about 5 kB gzipped of JavaScript on every
 * catalog page. Width and height reserve the space; `priority` is for the one
 * picture at the top of a page (fetched first, not lazily).
 */
export function ProductImage(props: {
  src: string;
  alt: string;
  width: number;
  height: number;
  priority?: boolean;
}) {
  const { src, alt, width, height, priority = false } = props;
  return (
    // eslint-disable-next-line @next/next/no-img-element -- see above: nothing for next/image to optimise
    <img
      src={src}
      alt={alt}
      width={width}
      height={height}
      decoding="async"
      loading={priority ? 'eager' : 'lazy'}
      fetchPriority={priority ? 'high' : undefined}
    />
  );
}
