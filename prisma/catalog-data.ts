// The seed catalog: goods from small independent makers, each sold in its maker's own currency.
// Amounts are minor units as Stripe counts them: cents/pence for usd, eur and gbp
// (2400 means 24.00); jpy is zero-decimal, so 4800 means ¥4,800.

export const seedCurrencies = ['usd', 'eur', 'gbp', 'jpy'] as const;
export type SeedCurrency = (typeof seedCurrencies)[number];

export type SeedProduct = {
  /** Kebab-case, unique; the upsert key. */
  readonly slug: string;
  readonly name: string;
  readonly description: string;
  /** Path under /public, always /products/<slug>.svg. */
  readonly image: `/products/${string}.svg`;
  /** Integer minor units of `currency`. */
  readonly unitAmount: number;
  readonly currency: SeedCurrency;
  readonly active: boolean;
};

export const seedProducts: readonly SeedProduct[] = [
  // --- usd ---
  {
    slug: 'speckled-stoneware-mug',
    name: 'Speckled Stoneware Mug',
    description:
      'Thrown on the wheel by Blue Ridge Clayworks in Asheville, North Carolina, from a local iron-speckled stoneware and dipped in a slate-blue glaze. Holds 350 ml (12 oz) and stands 10 cm tall. Dishwasher and microwave safe.',
    image: '/products/speckled-stoneware-mug.svg',
    unitAmount: 3400,
    currency: 'usd',
    active: true,
  },
  {
    slug: 'waxed-canvas-tote',
    name: 'Waxed Canvas Market Tote',
    description:
      'Sewn in Portland, Oregon by Foundry Lane Goods from 18 oz olive waxed cotton canvas with vegetable-tanned leather handles and copper rivets. Measures 40 × 35 × 12 cm with an inside slip pocket. Wipe clean with a damp cloth and re-wax once a year.',
    image: '/products/waxed-canvas-tote.svg',
    unitAmount: 6800,
    currency: 'usd',
    active: true,
  },
  {
    slug: 'maple-cutting-board',
    name: 'Sugar Maple Cutting Board',
    description:
      'Cut from a single plank of hard sugar maple by Atelier Boisvert in the Eastern Townships of Quebec, with a carved handle and hanging hole. 45 × 25 × 2 cm and finished with food-safe mineral oil and beeswax. Hand wash only and oil it now and then.',
    image: '/products/maple-cutting-board.svg',
    unitAmount: 5200,
    currency: 'usd',
    active: true,
  },
  {
    slug: 'alpaca-wool-beanie',
    name: 'Alpaca Wool Beanie',
    description:
      'Hand-knitted by the Q’ero weaving cooperative near Cusco, Peru, from baby alpaca wool in terracotta with a cream zigzag band and a fluffy pompom. One size, with a deep ribbed cuff that folds up. Hand wash cold and dry flat.',
    image: '/products/alpaca-wool-beanie.svg',
    unitAmount: 3900,
    currency: 'usd',
    active: true,
  },
  // --- eur ---
  {
    slug: 'linen-apron',
    name: 'Stonewashed Linen Apron',
    description:
      'Cut and sewn by Lino Namai in Vilnius, Lithuania, from heavy stonewashed Baltic linen with a blue-striped hem and a divided front pocket. 85 × 70 cm with long ties that wrap to the front. Machine wash at 40 °C; it softens with every wash.',
    image: '/products/linen-apron.svg',
    unitAmount: 4200,
    currency: 'eur',
    active: true,
  },
  {
    slug: 'olive-wood-spoon-set',
    name: 'Olive Wood Spoon Set',
    description:
      'Two spoons and a spatula carved by hand in Chania, Crete, from the prunings of old olive trees, so no two share the same grain. Each piece is about 30 cm long. Hand wash, dry straight away and rub with olive oil when the wood looks pale.',
    image: '/products/olive-wood-spoon-set.svg',
    unitAmount: 2800,
    currency: 'eur',
    active: true,
  },
  {
    slug: 'azulejo-tile-trivet',
    name: 'Azulejo Tile Trivet',
    description:
      'A 15 cm tin-glazed tile hand-painted in cobalt blue at Oficina do Azulejo in Lisbon, Portugal, set on a natural cork base that protects your table. Heat resistant for pots and teapots straight off the hob. Wipe clean; not for the dishwasher.',
    image: '/products/azulejo-tile-trivet.svg',
    unitAmount: 2400,
    currency: 'eur',
    active: true,
  },
  {
    slug: 'felted-wool-slippers',
    name: 'Felted Wool Slippers',
    description:
      'Wet-felted in one piece from Tyrolean mountain sheep wool by Filzwerk Hallstatt in Austria, with a red heart on each toe and a leather sole. Sizes EU 36–46. Discontinued: the felting workshop has retired this style.',
    image: '/products/felted-wool-slippers.svg',
    unitAmount: 5900,
    currency: 'eur',
    active: false,
  },
  // --- gbp ---
  {
    slug: 'tweed-flat-cap',
    name: 'Island Tweed Flat Cap',
    description:
      'Made in a small Stornoway workshop in the Outer Hebrides, Scotland, from hand-woven pure new wool tweed in a brown herringbone, lined with cotton and finished with a stitched peak. Sizes 56–61 cm. Brush to clean and spot-clean with cold water.',
    image: '/products/tweed-flat-cap.svg',
    unitAmount: 5500,
    currency: 'gbp',
    active: true,
  },
  {
    slug: 'willow-picnic-basket',
    name: 'Somerset Willow Picnic Basket',
    description:
      'Woven by hand on the Somerset Levels, England, from willow grown and cut on the maker’s own withy beds, with a hinged lid, leather straps and brass buckles. 45 × 30 × 25 cm. Keep dry and wipe with a damp cloth; a light mist of water now and then stops the willow going brittle.',
    image: '/products/willow-picnic-basket.svg',
    unitAmount: 8900,
    currency: 'gbp',
    active: true,
  },
  {
    slug: 'lambswool-scarf',
    name: 'Striped Lambswool Scarf',
    description:
      'Woven at a family-run mill in the Teifi Valley, Wales, from soft lambswool in teal with mustard and cream stripes and a knotted fringe. 180 × 30 cm. Hand wash cool with wool detergent and dry flat.',
    image: '/products/lambswool-scarf.svg',
    unitAmount: 4500,
    currency: 'gbp',
    active: true,
  },
  {
    slug: 'brown-betty-teapot',
    name: 'Brown Betty Teapot',
    description:
      'Cast from red Etruria marl clay in Stoke-on-Trent, England, and dipped in the classic rich brown Rockingham glaze that keeps tea hot. Holds four cups (1.1 litres). Dishwasher safe, though a rinse in hot water is all it needs.',
    image: '/products/brown-betty-teapot.svg',
    unitAmount: 3800,
    currency: 'gbp',
    active: true,
  },
  // --- jpy (zero-decimal: whole yen) ---
  {
    slug: 'nanbu-iron-kettle',
    name: 'Nanbu Cast Iron Kettle',
    description:
      'A tetsubin cast in sand moulds in Morioka, Iwate, with the traditional arare hobnail pattern and an enamel-free interior that softens the water. Holds 0.9 litres; for gas or electric hobs. Empty it after use and let it dry on a low flame; never use detergent.',
    image: '/products/nanbu-iron-kettle.svg',
    unitAmount: 14800,
    currency: 'jpy',
    active: true,
  },
  {
    slug: 'indigo-tenugui-towel',
    name: 'Indigo Tenugui Towel',
    description:
      'A hand-dyed cotton tenugui from a chusen dye house in Hamamatsu, printed with the seigaiha wave pattern in natural indigo. 90 × 35 cm with raw ends that soften and fray a little with use. Wash by hand in cold water at first, as some indigo will bleed.',
    image: '/products/indigo-tenugui-towel.svg',
    unitAmount: 1800,
    currency: 'jpy',
    active: true,
  },
  {
    slug: 'hasami-porcelain-bowl',
    name: 'Hasami Porcelain Rice Bowl',
    description:
      'A white porcelain rice bowl from a kiln in Hasami, Nagasaki, brushed by hand with fine indigo tokusa stripes. 12 cm across and 6.5 cm tall. Dishwasher and microwave safe.',
    image: '/products/hasami-porcelain-bowl.svg',
    unitAmount: 2600,
    currency: 'jpy',
    active: true,
  },
  {
    slug: 'bamboo-tea-whisk',
    name: 'Takayama Bamboo Tea Whisk',
    description:
      'A chasen split by hand from a single piece of aged white bamboo in Takayama, Nara, into 80 fine tines for whisking matcha. About 11 cm tall. Rinse in warm water without soap and dry upright, ideally on a whisk holder.',
    image: '/products/bamboo-tea-whisk.svg',
    unitAmount: 3200,
    currency: 'jpy',
    active: true,
  },
];
