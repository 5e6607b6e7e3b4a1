/**
 * Demo catalogue of the sandbox distributor: warehouses and 56 products with stock per warehouse.
 * Pure data, shared by the Odoo sandbox (sandbox/odoo/seed.ts) and the CRM sandbox.
 * Stock patterns on purpose: most items stocked in both warehouses; some out of stock everywhere
 * (DIST-0008, -0020, -0029, -0040, -0046, -0055); some only in the second warehouse (DIST-0007, -0015,
 * -0022, -0033, -0041, -0051); some so low in WH that ordinary orders backorder (DIST-0005, -0011,
 * -0018, -0024, -0032, -0045, -0050). Barcodes are valid EAN-13.
 * Keep the exported names and shapes stable: other parts import them.
 */

export interface SeedWarehouse {
  /** Odoo warehouse code (at most 5 characters); also the key in SeedProduct.stock. */
  code: 'WH' | 'WH2';
  name: string;
}

export const WAREHOUSES: SeedWarehouse[] = [
  { code: 'WH', name: 'Main Warehouse' },
  { code: 'WH2', name: 'East Distribution Center' },
];

export interface SeedProduct {
  /** Internal reference (Odoo default_code): 'DIST-0001'... */
  sku: string;
  name: string;
  barcode: string;
  listPrice: number;
  cost: number;
  category: string;
  /** Units on hand per warehouse code, in the warehouse's stock location. */
  stock: { WH: number; WH2: number };
}

export const SEED_PRODUCTS: SeedProduct[] = [
  { sku: 'DIST-0001', name: 'Hex Bolt M8 x 40 mm, zinc plated (box of 100)', barcode: '5407001100077', listPrice: 14.5, cost: 6.2, category: 'Fasteners', stock: { WH: 420, WH2: 150 } },
  { sku: 'DIST-0002', name: 'Hex Nut M8, zinc plated (box of 200)', barcode: '5407001100145', listPrice: 9.9, cost: 3.8, category: 'Fasteners', stock: { WH: 380, WH2: 200 } },
  { sku: 'DIST-0003', name: 'Flat Washer M8 (box of 200)', barcode: '5407001100213', listPrice: 6.5, cost: 2.1, category: 'Fasteners', stock: { WH: 500, WH2: 240 } },
  { sku: 'DIST-0004', name: 'Wood Screw 4 x 40 mm, Torx (box of 500)', barcode: '5407001100282', listPrice: 18.9, cost: 8.4, category: 'Fasteners', stock: { WH: 260, WH2: 90 } },
  { sku: 'DIST-0005', name: 'Drywall Screw 3.5 x 35 mm (box of 1000)', barcode: '5407001100350', listPrice: 21.5, cost: 9.7, category: 'Fasteners', stock: { WH: 3, WH2: 0 } },
  { sku: 'DIST-0006', name: 'Concrete Anchor 10 x 80 mm (box of 50)', barcode: '5407001100428', listPrice: 32, cost: 15.5, category: 'Fasteners', stock: { WH: 140, WH2: 60 } },
  { sku: 'DIST-0007', name: 'Stainless Steel Carriage Bolt M10 x 100 (box of 25)', barcode: '5407001100497', listPrice: 27.8, cost: 13.1, category: 'Fasteners', stock: { WH: 0, WH2: 45 } },
  { sku: 'DIST-0008', name: 'Rivet 4.8 x 12 mm Aluminium (box of 500)', barcode: '5407001100565', listPrice: 16.4, cost: 6.9, category: 'Fasteners', stock: { WH: 0, WH2: 0 } },
  { sku: 'DIST-0009', name: 'Claw Hammer 16 oz, fibreglass handle', barcode: '5407001100633', listPrice: 24.9, cost: 11.2, category: 'Hand Tools', stock: { WH: 85, WH2: 30 } },
  { sku: 'DIST-0010', name: 'Screwdriver Set, 12 pieces', barcode: '5407001100701', listPrice: 29.5, cost: 13.8, category: 'Hand Tools', stock: { WH: 60, WH2: 25 } },
  { sku: 'DIST-0011', name: 'Adjustable Wrench 10\"', barcode: '5407001100770', listPrice: 19.9, cost: 8.9, category: 'Hand Tools', stock: { WH: 4, WH2: 0 } },
  { sku: 'DIST-0012', name: 'Tape Measure 8 m / 26 ft', barcode: '5407001100848', listPrice: 12.5, cost: 5.1, category: 'Hand Tools', stock: { WH: 150, WH2: 80 } },
  { sku: 'DIST-0013', name: 'Spirit Level 600 mm, aluminium', barcode: '5407001100916', listPrice: 22, cost: 9.6, category: 'Hand Tools', stock: { WH: 70, WH2: 20 } },
  { sku: 'DIST-0014', name: 'Utility Knife with 10 blades', barcode: '5407001100985', listPrice: 8.9, cost: 3.2, category: 'Hand Tools', stock: { WH: 240, WH2: 110 } },
  { sku: 'DIST-0015', name: 'Pipe Wrench 14\"', barcode: '5407001101050', listPrice: 34, cost: 16.8, category: 'Hand Tools', stock: { WH: 0, WH2: 18 } },
  { sku: 'DIST-0016', name: 'Combination Pliers 200 mm', barcode: '5407001101128', listPrice: 15.9, cost: 6.7, category: 'Hand Tools', stock: { WH: 95, WH2: 40 } },
  { sku: 'DIST-0017', name: 'Cordless Drill Driver 18 V, 2 batteries', barcode: '5407001101197', listPrice: 149, cost: 88, category: 'Power Tools', stock: { WH: 24, WH2: 10 } },
  { sku: 'DIST-0018', name: 'Angle Grinder 125 mm, 900 W', barcode: '5407001101265', listPrice: 79, cost: 44.5, category: 'Power Tools', stock: { WH: 2, WH2: 0 } },
  { sku: 'DIST-0019', name: 'Circular Saw 190 mm, 1400 W', barcode: '5407001101333', listPrice: 129, cost: 74, category: 'Power Tools', stock: { WH: 12, WH2: 6 } },
  { sku: 'DIST-0020', name: 'Jigsaw 650 W, pendulum action', barcode: '5407001101401', listPrice: 99, cost: 55, category: 'Power Tools', stock: { WH: 0, WH2: 0 } },
  { sku: 'DIST-0021', name: 'SDS-Plus Rotary Hammer 800 W', barcode: '5407001101470', listPrice: 189, cost: 112, category: 'Power Tools', stock: { WH: 8, WH2: 4 } },
  { sku: 'DIST-0022', name: 'Random Orbit Sander 125 mm', barcode: '5407001101548', listPrice: 69, cost: 36, category: 'Power Tools', stock: { WH: 0, WH2: 9 } },
  { sku: 'DIST-0023', name: 'Impact Driver 18 V, bare tool', barcode: '5407001101616', listPrice: 119, cost: 68, category: 'Power Tools', stock: { WH: 15, WH2: 0 } },
  { sku: 'DIST-0024', name: 'Lithium Battery Pack 18 V 5.0 Ah', barcode: '5407001101685', listPrice: 89, cost: 51, category: 'Power Tools', stock: { WH: 5, WH2: 2 } },
  { sku: 'DIST-0025', name: 'Electrical Cable 3G2.5 mm², 100 m roll', barcode: '5407001101753', listPrice: 95, cost: 58, category: 'Electrical', stock: { WH: 40, WH2: 25 } },
  { sku: 'DIST-0026', name: 'LED Bulb E27 9 W warm white (pack of 10)', barcode: '5407001101821', listPrice: 24.9, cost: 10.5, category: 'Electrical', stock: { WH: 300, WH2: 120 } },
  { sku: 'DIST-0027', name: 'Single Wall Socket, white', barcode: '5407001101890', listPrice: 4.2, cost: 1.6, category: 'Electrical', stock: { WH: 800, WH2: 400 } },
  { sku: 'DIST-0028', name: 'Light Switch, one-way, white', barcode: '5407001101968', listPrice: 3.9, cost: 1.4, category: 'Electrical', stock: { WH: 750, WH2: 380 } },
  { sku: 'DIST-0029', name: 'Junction Box IP55 100 x 100 mm', barcode: '5407001102033', listPrice: 5.8, cost: 2.2, category: 'Electrical', stock: { WH: 0, WH2: 0 } },
  { sku: 'DIST-0030', name: 'Circuit Breaker 16 A, type B', barcode: '5407001102101', listPrice: 11.5, cost: 5.3, category: 'Electrical', stock: { WH: 180, WH2: 0 } },
  { sku: 'DIST-0031', name: 'Extension Reel 25 m, 4 sockets', barcode: '5407001102170', listPrice: 39, cost: 21, category: 'Electrical', stock: { WH: 35, WH2: 15 } },
  { sku: 'DIST-0032', name: 'Cable Ties 300 mm black (pack of 100)', barcode: '5407001102248', listPrice: 6.9, cost: 2.4, category: 'Electrical', stock: { WH: 1, WH2: 0 } },
  { sku: 'DIST-0033', name: 'LED Floodlight 50 W IP65', barcode: '5407001102316', listPrice: 44, cost: 23.5, category: 'Electrical', stock: { WH: 0, WH2: 30 } },
  { sku: 'DIST-0034', name: 'Copper Pipe 15 mm x 3 m', barcode: '5407001102385', listPrice: 18.2, cost: 10.9, category: 'Plumbing', stock: { WH: 200, WH2: 90 } },
  { sku: 'DIST-0035', name: 'Compression Elbow 15 mm (pack of 10)', barcode: '5407001102453', listPrice: 14.8, cost: 6.1, category: 'Plumbing', stock: { WH: 160, WH2: 70 } },
  { sku: 'DIST-0036', name: 'PVC Drain Pipe 40 mm x 3 m', barcode: '5407001102521', listPrice: 7.9, cost: 3.1, category: 'Plumbing', stock: { WH: 120, WH2: 60 } },
  { sku: 'DIST-0037', name: 'Ball Valve 3/4\", brass', barcode: '5407001102590', listPrice: 12.9, cost: 5.8, category: 'Plumbing', stock: { WH: 90, WH2: 0 } },
  { sku: 'DIST-0038', name: 'Kitchen Mixer Tap, chrome', barcode: '5407001102668', listPrice: 89, cost: 47, category: 'Plumbing', stock: { WH: 18, WH2: 7 } },
  { sku: 'DIST-0039', name: 'PTFE Thread Seal Tape (pack of 10)', barcode: '5407001102736', listPrice: 5.5, cost: 1.7, category: 'Plumbing', stock: { WH: 400, WH2: 200 } },
  { sku: 'DIST-0040', name: 'Flexible Hose 1/2\" x 500 mm', barcode: '5407001102804', listPrice: 6.8, cost: 2.6, category: 'Plumbing', stock: { WH: 0, WH2: 0 } },
  { sku: 'DIST-0041', name: 'Pipe Cutter 3-28 mm', barcode: '5407001102873', listPrice: 17.5, cost: 7.9, category: 'Plumbing', stock: { WH: 0, WH2: 22 } },
  { sku: 'DIST-0042', name: 'Safety Glasses, clear, anti-fog', barcode: '5407001102941', listPrice: 6.5, cost: 2.3, category: 'Safety', stock: { WH: 350, WH2: 150 } },
  { sku: 'DIST-0043', name: 'Work Gloves, nitrile coated, size 9 (12 pairs)', barcode: '5407001103016', listPrice: 28, cost: 12.4, category: 'Safety', stock: { WH: 110, WH2: 50 } },
  { sku: 'DIST-0044', name: 'Ear Defenders SNR 30 dB', barcode: '5407001103085', listPrice: 14.9, cost: 6.3, category: 'Safety', stock: { WH: 75, WH2: 30 } },
  { sku: 'DIST-0045', name: 'Hard Hat, white, adjustable', barcode: '5407001103153', listPrice: 11.9, cost: 4.9, category: 'Safety', stock: { WH: 4, WH2: 0 } },
  { sku: 'DIST-0046', name: 'FFP2 Dust Mask (box of 20)', barcode: '5407001103221', listPrice: 19.5, cost: 8.2, category: 'Safety', stock: { WH: 0, WH2: 0 } },
  { sku: 'DIST-0047', name: 'High-Visibility Vest, yellow, size L', barcode: '5407001103290', listPrice: 5.9, cost: 2, category: 'Safety', stock: { WH: 260, WH2: 0 } },
  { sku: 'DIST-0048', name: 'Construction Adhesive 290 ml', barcode: '5407001103368', listPrice: 7.4, cost: 3.1, category: 'Adhesives & Sealants', stock: { WH: 220, WH2: 100 } },
  { sku: 'DIST-0049', name: 'Silicone Sealant, white, 310 ml', barcode: '5407001103436', listPrice: 6.2, cost: 2.5, category: 'Adhesives & Sealants', stock: { WH: 310, WH2: 140 } },
  { sku: 'DIST-0050', name: 'Expanding Foam 750 ml', barcode: '5407001103504', listPrice: 9.8, cost: 4.4, category: 'Adhesives & Sealants', stock: { WH: 2, WH2: 0 } },
  { sku: 'DIST-0051', name: 'Epoxy Adhesive 2 x 25 ml', barcode: '5407001103573', listPrice: 11.2, cost: 4.7, category: 'Adhesives & Sealants', stock: { WH: 0, WH2: 35 } },
  { sku: 'DIST-0052', name: 'Masking Tape 48 mm x 50 m (pack of 6)', barcode: '5407001103641', listPrice: 15.6, cost: 6.6, category: 'Paint & Supplies', stock: { WH: 140, WH2: 60 } },
  { sku: 'DIST-0053', name: 'Paint Roller Set 230 mm', barcode: '5407001103719', listPrice: 13.9, cost: 5.5, category: 'Paint & Supplies', stock: { WH: 85, WH2: 35 } },
  { sku: 'DIST-0054', name: 'Interior Wall Paint, white, 10 L', barcode: '5407001103788', listPrice: 59, cost: 31, category: 'Paint & Supplies', stock: { WH: 45, WH2: 20 } },
  { sku: 'DIST-0055', name: 'Wood Primer 2.5 L', barcode: '5407001103856', listPrice: 27.5, cost: 13.9, category: 'Paint & Supplies', stock: { WH: 0, WH2: 0 } },
  { sku: 'DIST-0056', name: 'Paint Brush Set, 5 pieces', barcode: '5407001103924', listPrice: 12, cost: 4.6, category: 'Paint & Supplies', stock: { WH: 130, WH2: 55 } },
];
