/**
 * Demo customers of the sandbox distributor: 20 B2B companies (hardware stores, contractors, retailers).
 * Pure data, shared by the Odoo sandbox (sandbox/odoo/seed.ts) and the CRM sandbox. VAT numbers carry
 * correct check digits for their country; three US companies have none.
 * Keep the exported names and shapes stable: other parts import them.
 */

export interface SeedAddress {
  name: string;
  street: string;
  city: string;
  zip: string;
  countryCode: string;
  email?: string;
  phone?: string;
}

export interface SeedContact {
  name: string;
  email: string;
  phone: string;
  function: string;
}

export interface SeedCompany {
  /** Stable key, also the partner's `ref` in Odoo: 'C001'... */
  key: string;
  name: string;
  /** Absent for the companies without a VAT number. */
  vat?: string;
  email: string;
  phone: string;
  street: string;
  city: string;
  zip: string;
  countryCode: string;
  website?: string;
  creditLimit: number;
  pricelist: 'retail' | 'wholesale';
  contacts: SeedContact[];
  invoiceAddress?: SeedAddress;
  deliveryAddress?: SeedAddress;
}

export const SEED_COMPANIES: SeedCompany[] = [
  {
    key: 'C001', name: 'Ace Hardware Outlet', email: 'orders@acehardware-outlet.example', phone: '+1 415-555-0134',
    street: '1450 Mission Street', city: 'San Francisco', zip: '94103', countryCode: 'US',
    website: 'https://acehardware-outlet.example', creditLimit: 25000, pricelist: 'retail',
    contacts: [
      { name: 'Megan Lawson', email: 'megan.lawson@acehardware-outlet.example', phone: '+1 415-555-0135', function: 'Purchasing Manager' },
      { name: 'Tom Reyes', email: 'tom.reyes@acehardware-outlet.example', phone: '+1 415-555-0136', function: 'Store Manager' },
    ],
    deliveryAddress: { name: 'Ace Hardware Outlet - Oakland Store', street: '2210 Broadway', city: 'Oakland', zip: '94612', countryCode: 'US' },
  },
  {
    key: 'C002', name: 'Bayside Builders Inc.', email: 'ap@baysidebuilders.example', phone: '+1 510-555-0199',
    street: '88 Harbor Way', city: 'Richmond', zip: '94804', countryCode: 'US',
    website: 'https://baysidebuilders.example', creditLimit: 50000, pricelist: 'wholesale',
    contacts: [
      { name: 'Carlos Mendoza', email: 'carlos.mendoza@baysidebuilders.example', phone: '+1 510-555-0190', function: 'Site Supervisor' },
      { name: 'Linda Cho', email: 'linda.cho@baysidebuilders.example', phone: '+1 510-555-0191', function: 'Accounts Payable' },
    ],
    invoiceAddress: { name: 'Bayside Builders Inc. - Accounts Payable', street: 'PO Box 4410', city: 'Richmond', zip: '94804', countryCode: 'US', email: 'invoices@baysidebuilders.example' },
    deliveryAddress: { name: 'Bayside Builders - Marina Project Site', street: '300 Marina Boulevard', city: 'San Leandro', zip: '94577', countryCode: 'US' },
  },
  {
    key: 'C003', name: 'Summit Electrical Contractors', email: 'office@summit-electrical.example', phone: '+1 303-555-0147',
    street: '4021 Blake Street', city: 'Denver', zip: '80205', countryCode: 'US',
    creditLimit: 30000, pricelist: 'wholesale',
    contacts: [
      { name: 'Jason Whitfield', email: 'jason.whitfield@summit-electrical.example', phone: '+1 303-555-0148', function: 'Owner' },
    ],
  },
  {
    key: 'C004', name: 'Northwind Home Center', vat: 'DE812345673', email: 'einkauf@northwind-home.example', phone: '+49 40 5550 1200',
    street: 'Spaldingstraße 64', city: 'Hamburg', zip: '20097', countryCode: 'DE',
    website: 'https://northwind-home.example', creditLimit: 40000, pricelist: 'retail',
    contacts: [
      { name: 'Katrin Vogel', email: 'k.vogel@northwind-home.example', phone: '+49 40 5550 1201', function: 'Einkaufsleiterin' },
      { name: 'Jonas Becker', email: 'j.becker@northwind-home.example', phone: '+49 40 5550 1202', function: 'Lagerleiter' },
    ],
    invoiceAddress: { name: 'Northwind Home Center - Buchhaltung', street: 'Spaldingstraße 66', city: 'Hamburg', zip: '20097', countryCode: 'DE', email: 'rechnungen@northwind-home.example' },
  },
  {
    key: 'C005', name: 'Bauwerk Müller GmbH', vat: 'DE274839109', email: 'info@bauwerk-mueller.example', phone: '+49 89 5550 3344',
    street: 'Landsberger Straße 155', city: 'München', zip: '80687', countryCode: 'DE',
    website: 'https://bauwerk-mueller.example', creditLimit: 60000, pricelist: 'wholesale',
    contacts: [
      { name: 'Stefan Müller', email: 's.mueller@bauwerk-mueller.example', phone: '+49 89 5550 3345', function: 'Geschäftsführer' },
      { name: 'Anna Schmid', email: 'a.schmid@bauwerk-mueller.example', phone: '+49 89 5550 3346', function: 'Disposition' },
    ],
    deliveryAddress: { name: 'Bauwerk Müller - Baustelle Riem', street: 'Messestraße 12', city: 'München', zip: '81829', countryCode: 'DE' },
  },
  {
    key: 'C006', name: 'Rhein Elektro Handel', vat: 'DE319472857', email: 'service@rhein-elektro.example', phone: '+49 221 5550 870',
    street: 'Hohenzollernring 22', city: 'Köln', zip: '50672', countryCode: 'DE',
    creditLimit: 20000, pricelist: 'retail',
    contacts: [
      { name: 'Lukas Fischer', email: 'l.fischer@rhein-elektro.example', phone: '+49 221 5550 871', function: 'Inhaber' },
    ],
  },
  {
    key: 'C007', name: 'Sanitär Schulz KG', vat: 'DE145927361', email: 'kontakt@sanitaer-schulz.example', phone: '+49 30 5550 4411',
    street: 'Kantstraße 140', city: 'Berlin', zip: '10623', countryCode: 'DE',
    website: 'https://sanitaer-schulz.example', creditLimit: 15000, pricelist: 'wholesale',
    contacts: [
      { name: 'Petra Schulz', email: 'p.schulz@sanitaer-schulz.example', phone: '+49 30 5550 4412', function: 'Buchhaltung' },
      { name: 'Michael Wagner', email: 'm.wagner@sanitaer-schulz.example', phone: '+49 30 5550 4413', function: 'Meister' },
    ],
  },
  {
    key: 'C008', name: 'Quincaillerie Dupont', vat: 'FR49403483217', email: 'commandes@quincaillerie-dupont.example', phone: '+33 1 55 50 12 34',
    street: '42 Rue de la Roquette', city: 'Paris', zip: '75011', countryCode: 'FR',
    website: 'https://quincaillerie-dupont.example', creditLimit: 18000, pricelist: 'retail',
    contacts: [
      { name: 'Claire Dupont', email: 'claire.dupont@quincaillerie-dupont.example', phone: '+33 1 55 50 12 35', function: 'Gérante' },
    ],
  },
  {
    key: 'C009', name: 'Bâtiment Lyonnais SARL', vat: 'FR35521798348', email: 'achats@batiment-lyonnais.example', phone: '+33 4 55 50 67 89',
    street: '15 Quai Perrache', city: 'Lyon', zip: '69002', countryCode: 'FR',
    creditLimit: 45000, pricelist: 'wholesale',
    contacts: [
      { name: 'Julien Moreau', email: 'julien.moreau@batiment-lyonnais.example', phone: '+33 4 55 50 67 80', function: 'Conducteur de travaux' },
      { name: 'Sophie Laurent', email: 'sophie.laurent@batiment-lyonnais.example', phone: '+33 4 55 50 67 81', function: 'Comptable' },
    ],
    invoiceAddress: { name: 'Bâtiment Lyonnais SARL - Comptabilité', street: '17 Quai Perrache', city: 'Lyon', zip: '69002', countryCode: 'FR', email: 'factures@batiment-lyonnais.example' },
    deliveryAddress: { name: 'Bâtiment Lyonnais - Dépôt Vénissieux', street: '8 Avenue de la République', city: 'Vénissieux', zip: '69200', countryCode: 'FR' },
  },
  {
    key: 'C010', name: 'Brico Sud Distribution', vat: 'FR89388451205', email: 'contact@bricosud.example', phone: '+33 4 91 55 50 22',
    street: '120 Boulevard Michelet', city: 'Marseille', zip: '13008', countryCode: 'FR',
    website: 'https://bricosud.example', creditLimit: 22000, pricelist: 'retail',
    contacts: [
      { name: 'Nicolas Fabre', email: 'nicolas.fabre@bricosud.example', phone: '+33 4 91 55 50 23', function: 'Responsable achats' },
    ],
  },
  {
    key: 'C011', name: 'Van Dijk Bouwmaterialen B.V.', vat: 'NL812345678B01', email: 'inkoop@vandijk-bouw.example', phone: '+31 20 555 0140',
    street: 'Kabelweg 37', city: 'Amsterdam', zip: '1014 BA', countryCode: 'NL',
    website: 'https://vandijk-bouw.example', creditLimit: 35000, pricelist: 'wholesale',
    contacts: [
      { name: 'Pieter van Dijk', email: 'pieter@vandijk-bouw.example', phone: '+31 20 555 0141', function: 'Directeur' },
      { name: 'Sanne de Vries', email: 'sanne.devries@vandijk-bouw.example', phone: '+31 20 555 0142', function: 'Inkoper' },
    ],
    deliveryAddress: { name: 'Van Dijk Bouwmaterialen - Magazijn Zaandam', street: 'Hoogtij 20', city: 'Zaandam', zip: '1507 BB', countryCode: 'NL' },
  },
  {
    key: 'C012', name: 'Klusmarkt Utrecht', vat: 'NL120938479B01', email: 'info@klusmarkt-utrecht.example', phone: '+31 30 555 0177',
    street: 'Vleutenseweg 200', city: 'Utrecht', zip: '3532 HP', countryCode: 'NL',
    creditLimit: 12000, pricelist: 'retail',
    contacts: [
      { name: 'Eva Jansen', email: 'eva.jansen@klusmarkt-utrecht.example', phone: '+31 30 555 0178', function: 'Filiaalmanager' },
    ],
  },
  {
    key: 'C013', name: 'Installatiebedrijf Bakker', vat: 'NL852104716B01', email: 'planning@bakker-installatie.example', phone: '+31 10 555 0190',
    street: 'Schiedamseweg 98', city: 'Rotterdam', zip: '3025 AE', countryCode: 'NL',
    website: 'https://bakker-installatie.example', creditLimit: 28000, pricelist: 'wholesale',
    contacts: [
      { name: 'Daan Bakker', email: 'daan@bakker-installatie.example', phone: '+31 10 555 0191', function: 'Eigenaar' },
      { name: 'Lotte Visser', email: 'lotte.visser@bakker-installatie.example', phone: '+31 10 555 0192', function: 'Administratie' },
    ],
    invoiceAddress: { name: 'Installatiebedrijf Bakker - Administratie', street: 'Postbus 2250', city: 'Rotterdam', zip: '3000 CG', countryCode: 'NL', email: 'facturen@bakker-installatie.example' },
  },
  {
    key: 'C014', name: 'Thames Trade Supplies Ltd', vat: 'GB246918433', email: 'purchasing@thamestrade.example', phone: '+44 20 7946 0321',
    street: '14 Bermondsey Street', city: 'London', zip: 'SE1 2ER', countryCode: 'GB',
    website: 'https://thamestrade.example', creditLimit: 30000, pricelist: 'wholesale',
    contacts: [
      { name: 'Oliver Hughes', email: 'oliver.hughes@thamestrade.example', phone: '+44 20 7946 0322', function: 'Procurement Lead' },
      { name: 'Emma Clarke', email: 'emma.clarke@thamestrade.example', phone: '+44 20 7946 0323', function: 'Credit Controller' },
    ],
    deliveryAddress: { name: 'Thames Trade Supplies - Dartford Depot', street: 'Unit 5, Crossways Business Park', city: 'Dartford', zip: 'DA2 6QG', countryCode: 'GB' },
  },
  {
    key: 'C015', name: 'Pennine DIY Centre', vat: 'GB331790268', email: 'shop@penninediy.example', phone: '+44 161 496 0555',
    street: '221 Oldham Road', city: 'Manchester', zip: 'M4 6BF', countryCode: 'GB',
    creditLimit: 10000, pricelist: 'retail',
    contacts: [
      { name: 'Harry Turner', email: 'harry.turner@penninediy.example', phone: '+44 161 496 0556', function: 'Store Owner' },
    ],
  },
  {
    key: 'C016', name: 'Caledonian Plumbing & Heating', vat: 'GB884127506', email: 'accounts@caledonian-ph.example', phone: '+44 131 496 0780',
    street: '33 Leith Walk', city: 'Edinburgh', zip: 'EH6 8LN', countryCode: 'GB',
    website: 'https://caledonian-ph.example', creditLimit: 20000, pricelist: 'wholesale',
    contacts: [
      { name: 'Fiona MacLeod', email: 'fiona.macleod@caledonian-ph.example', phone: '+44 131 496 0781', function: 'Office Manager' },
      { name: 'Ewan Grant', email: 'ewan.grant@caledonian-ph.example', phone: '+44 131 496 0782', function: 'Lead Engineer' },
    ],
  },
  {
    key: 'C017', name: 'Severn Valley Contractors', vat: 'GB550291364', email: 'office@severnvalley.example', phone: '+44 117 496 0912',
    street: '9 Temple Gate', city: 'Bristol', zip: 'BS1 6PL', countryCode: 'GB',
    creditLimit: 16000, pricelist: 'retail',
    contacts: [
      { name: 'Rhys Evans', email: 'rhys.evans@severnvalley.example', phone: '+44 117 496 0913', function: 'Quantity Surveyor' },
    ],
  },
  {
    key: 'C018', name: 'Brico Antwerpen NV', vat: 'BE04738192553', email: 'aankoop@brico-antwerpen.example', phone: '+32 3 555 01 40',
    street: 'Noorderlaan 112', city: 'Antwerpen', zip: '2030', countryCode: 'BE',
    website: 'https://brico-antwerpen.example', creditLimit: 26000, pricelist: 'retail',
    contacts: [
      { name: 'Wouter Peeters', email: 'wouter.peeters@brico-antwerpen.example', phone: '+32 3 555 01 41', function: 'Aankoper' },
      { name: 'Ines Claes', email: 'ines.claes@brico-antwerpen.example', phone: '+32 3 555 01 42', function: 'Boekhouding' },
    ],
  },
  {
    key: 'C019', name: 'Construction Wallonne SA', vat: 'BE08351940718', email: 'info@construction-wallonne.example', phone: '+32 4 555 02 60',
    street: 'Boulevard de la Sauvenière 50', city: 'Liège', zip: '4000', countryCode: 'BE',
    creditLimit: 38000, pricelist: 'wholesale',
    contacts: [
      { name: 'Marc Lambert', email: 'marc.lambert@construction-wallonne.example', phone: '+32 4 555 02 61', function: 'Directeur technique' },
    ],
    invoiceAddress: { name: 'Construction Wallonne SA - Comptabilité', street: 'Rue Féronstrée 8', city: 'Liège', zip: '4000', countryCode: 'BE', email: 'factures@construction-wallonne.example' },
    deliveryAddress: { name: 'Construction Wallonne - Chantier Namur', street: 'Chaussée de Louvain 190', city: 'Namur', zip: '5000', countryCode: 'BE' },
  },
  {
    key: 'C020', name: 'Gent Techniek BV', vat: 'BE06124300876', email: 'orders@genttechniek.example', phone: '+32 9 555 03 30',
    street: 'Kortrijksesteenweg 455', city: 'Gent', zip: '9000', countryCode: 'BE',
    website: 'https://genttechniek.example', creditLimit: 14000, pricelist: 'retail',
    contacts: [
      { name: 'Bram De Smet', email: 'bram.desmet@genttechniek.example', phone: '+32 9 555 03 31', function: 'Projectleider' },
    ],
  },
];
