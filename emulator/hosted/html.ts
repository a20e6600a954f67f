// Escaping and the page frame shared by the hosted pages (server-rendered, no JavaScript needed).

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A tagged template that escapes every interpolated value unless it is already `Html`. */
export interface Html {
  readonly html: string;
}

export function raw(html: string): Html {
  return { html };
}

export function html(
  strings: TemplateStringsArray,
  ...values: Array<string | number | Html | Html[] | null | undefined>
): Html {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    if (Array.isArray(value)) out += value.map((item) => item.html).join('');
    else if (value === null || value === undefined) out += '';
    else if (typeof value === 'object') out += value.html;
    else out += escapeHtml(String(value));
    out += strings[index + 1] ?? '';
  });
  return { html: out };
}

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:#f6f8fa;color:#1a1f36}
main{max-width:960px;margin:0 auto;padding:32px 16px;display:grid;gap:32px;grid-template-columns:repeat(auto-fit,minmax(300px,1fr))}
section,.panel{background:#fff;border-radius:8px;padding:24px;box-shadow:0 1px 3px rgba(0,0,0,.12)}
h1{font-size:1.25rem;margin:0 0 8px}h2{font-size:1.05rem;margin:0 0 12px}
table{width:100%;border-collapse:collapse}td,th{padding:6px 0;text-align:left;vertical-align:top}td.amount,th.amount{text-align:right}
tfoot th,tfoot td{border-top:1px solid #e3e8ee;font-weight:600}
label{display:block;font-size:.875rem;margin:12px 0 4px}
select{width:100%;box-sizing:border-box;padding:10px;border:1px solid #cfd7df;border-radius:6px;font-size:1rem;background:#fff}
fieldset{border:0;padding:0;margin:12px 0 0}legend{font-size:.875rem;margin-bottom:4px}
label.choice{display:flex;gap:8px;align-items:center;font-size:.95rem}label.choice input{width:auto}
input{width:100%;box-sizing:border-box;padding:10px;border:1px solid #cfd7df;border-radius:6px;font-size:1rem}
button{margin-top:16px;width:100%;padding:12px;border:0;border-radius:6px;font-size:1rem;background:#635bff;color:#fff;cursor:pointer}
button.secondary{background:#e3e8ee;color:#1a1f36}button.amazon{background:#ffd814;color:#0f1111}
.error{background:#fde8e8;color:#9b1c1c;border-radius:6px;padding:12px;margin-bottom:12px}
.muted{color:#697386;font-size:.875rem}.test{display:inline-block;background:#ffde92;color:#8d4b00;border-radius:4px;padding:2px 6px;font-size:.75rem;font-weight:600}
img.product{max-width:48px;max-height:48px;border-radius:4px;margin-right:8px;float:left}
.amount-due{font-size:2rem;margin:0}
`;

export function page(title: string, body: Html): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body.html}
</body>
</html>`;
}
