//! Writes a realistic « Annuaire de l'éducation » CSV (dataset
//! fr-en-annuaire-education) for benchmarks and manual tests of
//! `perseverance import-schools`.
//!
//! ```text
//! cargo run --release --example gen_annuaire -- --rows 66000 --out annuaire.csv [--style new|old] [--seed N]
//! ```
//!
//! * `new` (default): `,` separator, UTF-8 with BOM, the current ~70 snake_case
//!   columns, addresses and geo points quoted because they hold commas.
//! * `old`: `;` separator, no BOM, CRLF line ends, the older capitalised
//!   headers with spaces and accents (`Code postal`, `Libellé académie`…),
//!   unpadded department codes (`93`, `2A`) and decimal commas in coordinates.
//!
//! The output is deterministic for a given seed. About 3 % of the rows are
//! closed (`etat` = `FERME`) and a handful (one per 10,000 rows, at least one)
//! carry a UAI with a wrong check letter; both are always otherwise valid, and
//! every UAI is unique, so the import must report exactly
//! `rejected = invalid` and `skipped_closed = closed`. A summary with those
//! counts (and the line numbers of the invalid rows) goes to stderr.

use std::{
    fs::File,
    io::{BufWriter, Write},
    process::ExitCode,
    time::Instant,
};

use perseverance::domain::Uai;

/// xorshift64* seeded through splitmix64: tiny, fast and deterministic.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        Rng(if z == 0 { 0x2545_F491_4F6C_DD1D } else { z })
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        ((self.next() >> 32) * n) >> 32
    }

    fn range(&mut self, low: u64, high: u64) -> u64 {
        low + self.below(high - low + 1)
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// Académies: Annuaire code, name, mail domain.
const ACADEMIES: &[(&str, &str, &str)] = &[
    ("01", "Paris", "ac-paris.fr"),
    ("02", "Aix-Marseille", "ac-aix-marseille.fr"),
    ("03", "Besançon", "ac-besancon.fr"),
    ("04", "Bordeaux", "ac-bordeaux.fr"),
    ("05", "Caen", "ac-caen.fr"),
    ("06", "Clermont-Ferrand", "ac-clermont.fr"),
    ("07", "Dijon", "ac-dijon.fr"),
    ("08", "Grenoble", "ac-grenoble.fr"),
    ("09", "Lille", "ac-lille.fr"),
    ("10", "Lyon", "ac-lyon.fr"),
    ("11", "Montpellier", "ac-montpellier.fr"),
    ("12", "Nancy-Metz", "ac-nancy-metz.fr"),
    ("13", "Poitiers", "ac-poitiers.fr"),
    ("14", "Rennes", "ac-rennes.fr"),
    ("15", "Strasbourg", "ac-strasbourg.fr"),
    ("16", "Toulouse", "ac-toulouse.fr"),
    ("17", "Nantes", "ac-nantes.fr"),
    ("18", "Orléans-Tours", "ac-orleans-tours.fr"),
    ("19", "Reims", "ac-reims.fr"),
    ("20", "Amiens", "ac-amiens.fr"),
    ("21", "Rouen", "ac-rouen.fr"),
    ("22", "Limoges", "ac-limoges.fr"),
    ("23", "Nice", "ac-nice.fr"),
    ("24", "Créteil", "ac-creteil.fr"),
    ("25", "Versailles", "ac-versailles.fr"),
    ("27", "Corse", "ac-corse.fr"),
    ("28", "La Réunion", "ac-reunion.fr"),
    ("31", "Martinique", "ac-martinique.fr"),
    ("32", "Guadeloupe", "ac-guadeloupe.fr"),
    ("33", "Guyane", "ac-guyane.fr"),
    ("43", "Mayotte", "ac-mayotte.fr"),
];

/// Regions: code, name (2016 regions; the Annuaire's codes).
const REGIONS: &[(&str, &str)] = &[
    ("11", "Ile-de-France"),
    ("93", "Provence-Alpes-Côte d'Azur"),
    ("27", "Bourgogne-Franche-Comté"),
    ("75", "Nouvelle-Aquitaine"),
    ("28", "Normandie"),
    ("84", "Auvergne-Rhône-Alpes"),
    ("32", "Hauts-de-France"),
    ("76", "Occitanie"),
    ("44", "Grand Est"),
    ("53", "Bretagne"),
    ("52", "Pays de la Loire"),
    ("24", "Centre-Val de Loire"),
    ("94", "Corse"),
    ("04", "La Réunion"),
    ("02", "Martinique"),
    ("01", "Guadeloupe"),
    ("03", "Guyane"),
    ("06", "Mayotte"),
];

/// Departments: Annuaire code (3 characters), name, académie code, region
/// code, weight (how many schools, relative), approximate centre (lat, lon).
struct Dept {
    code: &'static str,
    name: &'static str,
    academy: &'static str,
    region: &'static str,
    weight: f64,
    lat: f64,
    lon: f64,
}

macro_rules! depts {
    ($(($code:literal, $name:literal, $ac:literal, $reg:literal, $w:literal, $lat:literal, $lon:literal)),* $(,)?) => {
        &[$(Dept { code: $code, name: $name, academy: $ac, region: $reg, weight: $w, lat: $lat, lon: $lon }),*]
    };
}

const DEPARTMENTS: &[Dept] = depts![
    ("075", "Paris", "01", "11", 1.6, 48.857, 2.347),
    (
        "004",
        "Alpes-de-Haute-Provence",
        "02",
        "93",
        0.35,
        44.09,
        6.24
    ),
    ("005", "Hautes-Alpes", "02", "93", 0.3, 44.66, 6.26),
    ("013", "Bouches-du-Rhône", "02", "93", 2.1, 43.52, 5.09),
    ("084", "Vaucluse", "02", "93", 0.8, 44.0, 5.15),
    ("025", "Doubs", "03", "27", 0.9, 47.16, 6.36),
    ("039", "Jura", "03", "27", 0.6, 46.73, 5.7),
    ("070", "Haute-Saône", "03", "27", 0.55, 47.64, 6.09),
    (
        "090",
        "Territoire de Belfort",
        "03",
        "27",
        0.25,
        47.63,
        6.87
    ),
    ("024", "Dordogne", "04", "75", 0.8, 45.15, 0.75),
    ("033", "Gironde", "04", "75", 1.9, 44.83, -0.58),
    ("040", "Landes", "04", "75", 0.7, 43.95, -0.78),
    ("047", "Lot-et-Garonne", "04", "75", 0.6, 44.37, 0.46),
    ("064", "Pyrénées-Atlantiques", "04", "75", 1.0, 43.26, -0.76),
    ("014", "Calvados", "05", "28", 1.0, 49.1, -0.36),
    ("050", "Manche", "05", "28", 0.9, 49.08, -1.32),
    ("061", "Orne", "05", "28", 0.6, 48.58, 0.1),
    ("003", "Allier", "06", "84", 0.7, 46.39, 3.19),
    ("015", "Cantal", "06", "84", 0.35, 45.05, 2.67),
    ("043", "Haute-Loire", "06", "84", 0.5, 45.13, 3.81),
    ("063", "Puy-de-Dôme", "06", "84", 1.1, 45.72, 3.15),
    ("021", "Côte-d'Or", "07", "27", 0.9, 47.42, 4.77),
    ("058", "Nièvre", "07", "27", 0.45, 47.11, 3.5),
    ("071", "Saône-et-Loire", "07", "27", 1.0, 46.64, 4.54),
    ("089", "Yonne", "07", "27", 0.65, 47.84, 3.56),
    ("007", "Ardèche", "08", "84", 0.65, 44.75, 4.42),
    ("026", "Drôme", "08", "84", 0.8, 44.68, 5.17),
    ("038", "Isère", "08", "84", 1.8, 45.26, 5.58),
    ("073", "Savoie", "08", "84", 0.8, 45.48, 6.44),
    ("074", "Haute-Savoie", "08", "84", 1.1, 46.03, 6.43),
    ("059", "Nord", "09", "32", 3.2, 50.44, 3.22),
    ("062", "Pas-de-Calais", "09", "32", 2.2, 50.49, 2.29),
    ("001", "Ain", "10", "84", 1.0, 46.1, 5.35),
    ("042", "Loire", "10", "84", 1.1, 45.73, 4.17),
    ("069", "Rhône", "10", "84", 2.0, 45.87, 4.64),
    ("011", "Aude", "11", "76", 0.7, 43.1, 2.41),
    ("030", "Gard", "11", "76", 1.0, 43.99, 4.18),
    ("034", "Hérault", "11", "76", 1.4, 43.58, 3.37),
    ("048", "Lozère", "11", "76", 0.2, 44.52, 3.5),
    ("066", "Pyrénées-Orientales", "11", "76", 0.7, 42.6, 2.52),
    ("054", "Meurthe-et-Moselle", "12", "44", 1.1, 48.79, 6.16),
    ("055", "Meuse", "12", "44", 0.45, 48.99, 5.38),
    ("057", "Moselle", "12", "44", 1.5, 49.04, 6.66),
    ("088", "Vosges", "12", "44", 0.8, 48.2, 6.38),
    ("016", "Charente", "13", "75", 0.7, 45.72, 0.2),
    ("017", "Charente-Maritime", "13", "75", 1.0, 45.78, -0.67),
    ("079", "Deux-Sèvres", "13", "75", 0.7, 46.56, -0.32),
    ("086", "Vienne", "13", "75", 0.7, 46.56, 0.46),
    ("022", "Côtes-d'Armor", "14", "53", 0.9, 48.44, -2.86),
    ("029", "Finistère", "14", "53", 1.2, 48.26, -4.06),
    ("035", "Ille-et-Vilaine", "14", "53", 1.3, 48.15, -1.64),
    ("056", "Morbihan", "14", "53", 1.0, 47.85, -2.81),
    ("067", "Bas-Rhin", "15", "44", 1.4, 48.67, 7.55),
    ("068", "Haut-Rhin", "15", "44", 1.0, 47.86, 7.27),
    ("009", "Ariège", "16", "76", 0.35, 42.92, 1.5),
    ("012", "Aveyron", "16", "76", 0.6, 44.28, 2.68),
    ("031", "Haute-Garonne", "16", "76", 1.8, 43.36, 1.17),
    ("032", "Gers", "16", "76", 0.45, 43.69, 0.45),
    ("046", "Lot", "16", "76", 0.4, 44.62, 1.6),
    ("065", "Hautes-Pyrénées", "16", "76", 0.5, 43.05, 0.16),
    ("081", "Tarn", "16", "76", 0.7, 43.79, 2.16),
    ("082", "Tarn-et-Garonne", "16", "76", 0.5, 44.08, 1.28),
    ("044", "Loire-Atlantique", "17", "52", 1.7, 47.36, -1.68),
    ("049", "Maine-et-Loire", "17", "52", 1.2, 47.39, -0.56),
    ("053", "Mayenne", "17", "52", 0.55, 48.15, -0.65),
    ("072", "Sarthe", "17", "52", 0.9, 47.99, 0.22),
    ("085", "Vendée", "17", "52", 1.0, 46.68, -1.3),
    ("018", "Cher", "18", "24", 0.55, 47.06, 2.49),
    ("028", "Eure-et-Loir", "18", "24", 0.7, 48.39, 1.37),
    ("036", "Indre", "18", "24", 0.45, 46.78, 1.58),
    ("037", "Indre-et-Loire", "18", "24", 0.9, 47.26, 0.69),
    ("041", "Loir-et-Cher", "18", "24", 0.55, 47.62, 1.43),
    ("045", "Loiret", "18", "24", 1.0, 47.91, 2.34),
    ("008", "Ardennes", "19", "44", 0.55, 49.62, 4.64),
    ("010", "Aube", "19", "44", 0.55, 48.32, 4.16),
    ("051", "Marne", "19", "44", 0.9, 48.95, 4.24),
    ("052", "Haute-Marne", "19", "44", 0.4, 48.11, 5.23),
    ("002", "Aisne", "20", "32", 1.0, 49.56, 3.56),
    ("060", "Oise", "20", "32", 1.3, 49.41, 2.42),
    ("080", "Somme", "20", "32", 1.0, 49.96, 2.28),
    ("027", "Eure", "21", "28", 1.0, 49.11, 0.99),
    ("076", "Seine-Maritime", "21", "28", 1.6, 49.65, 1.03),
    ("019", "Corrèze", "22", "75", 0.45, 45.36, 1.88),
    ("023", "Creuse", "22", "75", 0.25, 46.09, 2.02),
    ("087", "Haute-Vienne", "22", "75", 0.6, 45.89, 1.23),
    ("006", "Alpes-Maritimes", "23", "93", 1.2, 43.94, 7.12),
    ("083", "Var", "23", "93", 1.2, 43.46, 6.22),
    ("077", "Seine-et-Marne", "24", "11", 1.8, 48.63, 2.94),
    ("093", "Seine-Saint-Denis", "24", "11", 1.7, 48.91, 2.48),
    ("094", "Val-de-Marne", "24", "11", 1.4, 48.78, 2.47),
    ("078", "Yvelines", "25", "11", 1.6, 48.82, 1.84),
    ("091", "Essonne", "25", "11", 1.4, 48.52, 2.24),
    ("092", "Hauts-de-Seine", "25", "11", 1.4, 48.84, 2.25),
    ("095", "Val-d'Oise", "25", "11", 1.3, 49.08, 2.13),
    ("02A", "Corse-du-Sud", "27", "94", 0.25, 41.86, 8.98),
    ("02B", "Haute-Corse", "27", "94", 0.3, 42.39, 9.21),
    ("974", "La Réunion", "28", "04", 1.0, -21.13, 55.53),
    ("972", "Martinique", "31", "02", 0.45, 14.64, -61.02),
    ("971", "Guadeloupe", "32", "01", 0.5, 16.19, -61.59),
    ("973", "Guyane", "33", "03", 0.35, 4.0, -53.0),
    ("976", "Mayotte", "43", "06", 0.4, -12.82, 45.15),
];

/// People schools are named after (with the Annuaire's usual spellings).
const PATRONS: &[&str] = &[
    "Jean-Jaurès",
    "Jean Jaurès",
    "Jules Ferry",
    "Victor Hugo",
    "Louis Pasteur",
    "Jean Moulin",
    "Jacques Prévert",
    "Paul Éluard",
    "Marie Curie",
    "Pierre et Marie Curie",
    "Jean de La Fontaine",
    "Albert Camus",
    "Émile Zola",
    "Anatole France",
    "Paul Langevin",
    "Joliot-Curie",
    "Louise Michel",
    "Simone Veil",
    "Condorcet",
    "Voltaire",
    "Jean Macé",
    "Paul Bert",
    "Ferdinand Buisson",
    "Léon Blum",
    "Romain Rolland",
    "Gustave Eiffel",
    "Henri Wallon",
    "Marcel Pagnol",
    "Antoine de Saint-Exupéry",
    "Saint-Exupéry",
    "Jean Rostand",
    "Alphonse Daudet",
    "George Sand",
    "Colette",
    "Charles Péguy",
    "Honoré de Balzac",
    "Guy de Maupassant",
    "Arthur Rimbaud",
    "Frédéric Mistral",
    "Françoise Dolto",
    "Olympe de Gouges",
    "Rosa Parks",
    "Nelson Mandela",
    "Aimé Césaire",
    "Toussaint Louverture",
    "Gaston Monnerville",
    "Félix Éboué",
    "Lucie Aubrac",
    "Germaine Tillion",
    "Joséphine Baker",
    "Camille Claudel",
    "Pablo Picasso",
    "Claude Monet",
    "Paul Cézanne",
    "Auguste Renoir",
    "Hector Berlioz",
    "Claude Debussy",
    "Maurice Ravel",
    "Édouard Herriot",
    "Jean Monnet",
    "Robert Schuman",
    "Pierre Mendès France",
    "Charles de Gaulle",
    "Georges Brassens",
    "Jacques Brel",
    "Édith Piaf",
    "Boris Vian",
    "René Descartes",
    "Blaise Pascal",
    "Blaise Cendrars",
    "Denis Diderot",
    "Jean-Jacques Rousseau",
    "Montesquieu",
    "Molière",
    "Jean Racine",
    "Pierre Corneille",
    "François Rabelais",
    "Michel de Montaigne",
    "Étienne Dolet",
    "Évariste Galois",
    "André Malraux",
    "Louis Aragon",
    "Elsa Triolet",
    "Robert Desnos",
    "Guillaume Apollinaire",
    "Paul Verlaine",
    "Stéphane Mallarmé",
    "Alexandre Dumas",
    "Jules Verne",
    "Henri Matisse",
    "Marc Chagall",
    "Sonia Delaunay",
    "Marie-Curie",
    "Lavoisier",
    "Gay-Lussac",
    "Ampère",
    "Sadi Carnot",
    "Jean Zay",
    "Danielle Casanova",
    "Berthie Albrecht",
    "Missak Manouchian",
    "Guy Môquet",
    "Jean Vilar",
    "Gérard Philipe",
    "Saint-Joseph",
    "Sainte-Marie",
    "Notre-Dame",
    "Saint-Jean-Baptiste de La Salle",
    "Jeanne d'Arc",
    "Sainte-Thérèse",
];

/// Place-like names (« Les Tilleuls », « Le Bourg »…).
const PLACES: &[&str] = &[
    "Les Tilleuls",
    "Les Lilas",
    "Les Marronniers",
    "Les Acacias",
    "Les Peupliers",
    "Les Glycines",
    "Le Centre",
    "Le Bourg",
    "Les Coquelicots",
    "Les Cerisiers",
    "Les Platanes",
    "Les Écureuils",
    "La Roseraie",
    "Le Parc",
    "Les Prés",
    "La Fontaine",
    "Les Sablons",
    "Le Moulin",
    "Les Vignes",
    "La Source",
    "Les Hirondelles",
    "Les Érables",
    "Le Château",
    "Les Bruyères",
    "La Gare",
    "Les Mésanges",
    "Bel Air",
    "La Plaine",
    "Le Village",
    "L'Orée du Bois",
    "Les Chênes",
    "Les Pommiers",
    "Le Clos",
    "Les Hauts de Seine",
    "La Croix Blanche",
];

const STREET_KINDS: &[&str] = &[
    "rue",
    "rue",
    "rue",
    "avenue",
    "boulevard",
    "place",
    "chemin",
    "allée",
    "impasse",
    "route",
    "quai",
    "cours",
];

const COMMUNE_PREFIXES: &[&str] = &[
    "",
    "",
    "",
    "",
    "Saint-",
    "Sainte-",
    "Le ",
    "La ",
    "Les ",
    "Villeneuve-",
    "Bourg-",
    "Champ-",
    "Mont-",
    "Neuilly-",
    "Fontaine-",
    "Ville-",
    "Montigny-",
    "L'",
];

const COMMUNE_ROOTS: &[&str] = &[
    "Martin",
    "Étienne",
    "Denis",
    "Germain",
    "Laurent",
    "Maur",
    "Ouen",
    "Quentin",
    "Aubin",
    "Hilaire",
    "Avold",
    "Rémy",
    "Amand",
    "Pierre",
    "André",
    "Cyr",
    "Jean",
    "Marcel",
    "Genis",
    "Priest",
    "Clément",
    "Brieuc",
    "Chaumont",
    "Beaumont",
    "Fontenay",
    "Châtillon",
    "Clermont",
    "Rochefort",
    "Montreuil",
    "Aubervilliers",
    "Bondy",
    "Bobigny",
    "Pantin",
    "Créteil",
    "Vitry",
    "Ivry",
    "Évry",
    "Massy",
    "Orsay",
    "Sceaux",
    "Clichy",
    "Haÿ",
    "Isle",
    "Hôpital",
    "Abbeville",
    "Moulins",
    "Vernon",
    "Épinal",
    "Dole",
    "Auch",
    "Rodez",
    "Millau",
    "Albi",
    "Agen",
    "Pau",
    "Dax",
    "Mâcon",
    "Nevers",
    "Sens",
    "Autun",
    "Gex",
    "Belley",
    "Annecy",
    "Thonon",
    "Vienne",
    "Valence",
    "Privas",
    "Tulle",
    "Brive",
    "Guéret",
    "Cahors",
    "Figeac",
    "Tarbes",
    "Lourdes",
    "Foix",
    "Pamiers",
    "Carcassonne",
    "Narbonne",
    "Béziers",
    "Sète",
    "Lunel",
    "Alès",
    "Uzès",
    "Mende",
    "Céret",
    "Quimper",
    "Brest",
    "Morlaix",
    "Vannes",
    "Lorient",
    "Dinan",
    "Lannion",
    "Vitré",
    "Fougères",
    "Redon",
    "Laval",
    "Saumur",
    "Cholet",
    "Segré",
    "Angers",
    "Cognac",
    "Saintes",
    "Niort",
    "Royan",
    "Chinon",
    "Amboise",
    "Blois",
    "Vendôme",
    "Gien",
    "Montargis",
    "Dreux",
    "Chartres",
    "Châteauroux",
    "Issoudun",
    "Bourges",
    "Vierzon",
    "Épernay",
    "Sedan",
    "Troyes",
    "Langres",
    "Laon",
    "Soissons",
    "Compiègne",
    "Beauvais",
    "Senlis",
];

const COMMUNE_SUFFIXES: &[&str] = &[
    "",
    "",
    "",
    "",
    "",
    "",
    "-sur-Mer",
    "-sur-Loire",
    "-sur-Seine",
    "-sur-Marne",
    "-le-Grand",
    "-le-Petit",
    "-les-Bains",
    "-en-Bresse",
    "-de-Provence",
    "-la-Forêt",
    "-lès-Nancy",
    "-le-Château",
    "-du-Rhône",
    "-les-Roses",
    "-sous-Bois",
    "-d'Aunis",
    "-en-Vexin",
];

/// What kind of row: type_etablissement, code_nature, libelle_nature.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Maternelle,
    Elementaire,
    Primaire,
    College,
    LyceeGt,
    LyceePro,
    LyceePoly,
    Erea,
    MedicoSocial,
    Administratif,
    Orientation,
}

impl Kind {
    fn draw(rng: &mut Rng) -> Kind {
        let x = rng.unit();
        match x {
            x if x < 0.22 => Kind::Maternelle,
            x if x < 0.44 => Kind::Elementaire,
            x if x < 0.75 => Kind::Primaire,
            x if x < 0.86 => Kind::College,
            x if x < 0.895 => Kind::LyceeGt,
            x if x < 0.925 => Kind::LyceePro,
            x if x < 0.945 => Kind::LyceePoly,
            x if x < 0.947 => Kind::Erea,
            x if x < 0.982 => Kind::MedicoSocial,
            x if x < 0.993 => Kind::Administratif,
            _ => Kind::Orientation,
        }
    }

    fn type_label(self) -> &'static str {
        match self {
            Kind::Maternelle | Kind::Elementaire | Kind::Primaire => "Ecole",
            Kind::College => "Collège",
            Kind::LyceeGt | Kind::LyceePro | Kind::LyceePoly => "Lycée",
            Kind::Erea => "EREA",
            Kind::MedicoSocial => "Médico-social",
            Kind::Administratif => "Service Administratif",
            Kind::Orientation => "Information et orientation",
        }
    }

    fn nature(self) -> (&'static str, &'static str) {
        match self {
            Kind::Maternelle => ("101", "ECOLE MATERNELLE"),
            Kind::Elementaire => ("151", "ECOLE DE NIVEAU ELEMENTAIRE"),
            Kind::Primaire => ("151", "ECOLE DE NIVEAU ELEMENTAIRE"),
            Kind::College => ("340", "COLLEGE"),
            Kind::LyceeGt => ("300", "LYCEE ENSEIGNT GENERAL ET TECHNOLOGIQUE"),
            Kind::LyceePro => ("320", "LYCEE PROFESSIONNEL"),
            Kind::LyceePoly => ("306", "LYCEE POLYVALENT"),
            Kind::Erea => ("370", "ETABLISSEMENT REGIONAL D'ENSEIGNEMENT ADAPTE"),
            Kind::MedicoSocial => ("430", "INSTITUT MEDICO-EDUCATIF"),
            Kind::Administratif => ("830", "INSPECTION DE L'EDUCATION NATIONALE"),
            Kind::Orientation => ("810", "CENTRE D'INFORMATION ET D'ORIENTATION"),
        }
    }

    fn is_school(self) -> bool {
        matches!(self, Kind::Maternelle | Kind::Elementaire | Kind::Primaire)
    }

    fn is_secondary(self) -> bool {
        matches!(
            self,
            Kind::College | Kind::LyceeGt | Kind::LyceePro | Kind::LyceePoly | Kind::Erea
        )
    }

    fn is_lycee(self) -> bool {
        matches!(self, Kind::LyceeGt | Kind::LyceePro | Kind::LyceePoly)
    }
}

/// The header of the current export, in its column order.
const NEW_HEADER: &[&str] = &[
    "identifiant_de_l_etablissement",
    "nom_etablissement",
    "type_etablissement",
    "statut_public_prive",
    "adresse_1",
    "adresse_2",
    "adresse_3",
    "code_postal",
    "code_commune",
    "nom_commune",
    "code_departement",
    "code_academie",
    "code_region",
    "ecole_maternelle",
    "ecole_elementaire",
    "voie_generale",
    "voie_technologique",
    "voie_professionnelle",
    "telephone",
    "fax",
    "web",
    "mail",
    "restauration",
    "hebergement",
    "ulis",
    "apprentissage",
    "segpa",
    "section_arts",
    "section_cinema",
    "section_theatre",
    "section_sport",
    "section_internationale",
    "section_europeenne",
    "lycee_agricole",
    "lycee_militaire",
    "lycee_des_metiers",
    "post_bac",
    "appartenance_education_prioritaire",
    "greta",
    "siren_siret",
    "nombre_d_eleves",
    "fiche_onisep",
    "position",
    "type_contrat_prive",
    "libelle_departement",
    "libelle_academie",
    "libelle_region",
    "coordx_origine",
    "coordy_origine",
    "epsg_origine",
    "nom_circonscription",
    "latitude",
    "longitude",
    "precision_localisation",
    "date_ouverture",
    "date_maj_ligne",
    "etat",
    "ministere_tutelle",
    "multi_uai",
    "rpi_concentre",
    "rpi_disperse",
    "code_nature",
    "libelle_nature",
    "code_type_contrat_prive",
    "pial",
    "etablissement_mere",
    "type_rattachement_etablissement_mere",
    "code_circonscription",
    "code_zone_animation_pedagogique",
    "libelle_zone_animation_pedagogique",
    "code_bassin_formation",
    "libelle_bassin_formation",
];

/// The older export's header (subset, capitalised, with spaces and accents).
const OLD_HEADER: &[&str] = &[
    "Identifiant_de_l_etablissement",
    "Nom_etablissement",
    "Type_etablissement",
    "Statut_public_prive",
    "Adresse_1",
    "Adresse_2",
    "Adresse_3",
    "Code postal",
    "Code_commune",
    "Nom_commune",
    "Code département",
    "Libellé département",
    "Code_academie",
    "Libellé académie",
    "Code_region",
    "Libellé région",
    "Ecole_maternelle",
    "Ecole_elementaire",
    "Voie_generale",
    "Voie_technologique",
    "Voie_professionnelle",
    "Telephone",
    "Fax",
    "Web",
    "Mail",
    "Restauration",
    "Hebergement",
    "ULIS",
    "Apprentissage",
    "SEGPA",
    "Appartenance_Education_Prioritaire",
    "Nombre_d_eleves",
    "Code nature",
    "Libellé nature",
    "Code bassin formation",
    "Libellé bassin formation",
    "Date_ouverture",
    "Date_maj_ligne",
    "Latitude",
    "Longitude",
    "Etat",
];

/// One generated row, as named values (looked up by the header's column names).
struct Row {
    values: Vec<(&'static str, String)>,
}

impl Row {
    fn set(&mut self, key: &'static str, value: impl Into<String>) {
        self.values.push((key, value.into()));
    }

    fn position(&self, key: &str) -> Result<usize, String> {
        self.values
            .iter()
            .position(|(k, _)| *k == key)
            .ok_or_else(|| format!("no value for column {key}"))
    }
}

/// Per-department state: communes, bassins, circonscriptions, next UAI number.
struct DeptState {
    communes: Vec<(String, String, String)>, // (code_commune, postal code, name)
    bassins: Vec<(String, String)>,
    circonscriptions: Vec<(String, String)>,
    next_seq: u32,
    /// The numeric prefix of UAIs (`093`, `620` for 2A, `720` for 2B, `974`).
    uai_prefix: u32,
}

fn dept_prefixes(code: &str) -> (u32, String, String) {
    match code {
        "02A" => (620, "2A".into(), "20".into()),
        "02B" => (720, "2B".into(), "20".into()),
        c if c.starts_with("97") => (c.parse().unwrap(), c.into(), c.into()),
        c => (c.parse().unwrap(), c[1..].into(), c[1..].into()),
    }
}

fn commune_name(rng: &mut Rng) -> String {
    let prefix = *rng.pick(COMMUNE_PREFIXES);
    let root = *rng.pick(COMMUNE_ROOTS);
    let suffix = *rng.pick(COMMUNE_SUFFIXES);
    if prefix == "L'" && !root.starts_with(['A', 'E', 'É', 'I', 'H', 'O', 'U']) {
        format!("{root}{suffix}")
    } else {
        format!("{prefix}{root}{suffix}")
    }
}

fn upper_ascii(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'é' | 'è' | 'ê' | 'ë' | 'É' => 'E',
            'à' | 'â' => 'A',
            'î' | 'ï' => 'I',
            'ô' => 'O',
            'ù' | 'û' | 'ü' => 'U',
            'ç' => 'C',
            'ÿ' => 'Y',
            c => c.to_ascii_uppercase(),
        })
        .collect()
}

fn dept_state(rng: &mut Rng, dept: &Dept) -> DeptState {
    let (uai_prefix, insee_prefix, postal_prefix) = dept_prefixes(dept.code);
    let commune_count = 15 + (dept.weight * 120.0) as usize;
    let mut communes = Vec::with_capacity(commune_count);
    let mut used_insee = std::collections::HashSet::new();
    let digits = if insee_prefix.len() == 3 { 2 } else { 3 };
    let modulo = 10u64.pow(digits);
    for _ in 0..commune_count {
        let number = loop {
            let n = rng.below(modulo - 1) + 1;
            if used_insee.insert(n) || used_insee.len() as u64 >= modulo - 1 {
                break n;
            }
        };
        let code = format!("{insee_prefix}{number:0width$}", width = digits as usize);
        let postal = format!(
            "{postal_prefix}{:0width$}",
            rng.below(modulo / 10) * 10,
            width = digits as usize
        );
        communes.push((code, postal, commune_name(rng)));
    }
    if dept.code == "075" {
        communes = (1..=20)
            .map(|n| {
                (
                    format!("751{n:02}"),
                    format!("750{n:02}"),
                    format!("Paris {n}{}", if n == 1 { "er" } else { "e" }),
                )
            })
            .collect();
    }
    let academy_index = ACADEMIES.iter().position(|a| a.0 == dept.academy).unwrap() as u32;
    let bassins = (0..3 + (dept.weight * 4.0) as usize)
        .map(|i| {
            let (_, _, name) = &communes[i % communes.len()];
            (
                format!(
                    "{:02}{:03}",
                    academy_index + 10,
                    uai_prefix % 100 * 10 + i as u32
                ),
                format!("BASSIN DE {}", upper_ascii(name)),
            )
        })
        .collect();
    let circonscriptions = (0..4 + (dept.weight * 10.0) as usize)
        .map(|i| {
            let (_, _, name) = &communes[(i * 7) % communes.len()];
            (
                format!(
                    "{:07}{}",
                    uai_prefix * 10000 + 9000 + i as u32,
                    ['A', 'B', 'C'][i % 3]
                ),
                format!("Circonscription d'inspection du 1er degré de {name}"),
            )
        })
        .collect();
    DeptState {
        communes,
        bassins,
        circonscriptions,
        next_seq: 1 + rng.below(20) as u32,
        uai_prefix,
    }
}

fn school_name(rng: &mut Rng, kind: Kind, private: bool) -> String {
    let patron = if rng.chance(0.75) {
        *rng.pick(PATRONS)
    } else {
        *rng.pick(PLACES)
    };
    let public = if private { "privée" } else { "publique" };
    let name = match kind {
        Kind::Maternelle => format!(
            "Ecole maternelle {}{patron}",
            if rng.chance(0.4) {
                format!("{public} ")
            } else {
                String::new()
            }
        ),
        Kind::Elementaire => format!(
            "Ecole élémentaire {}{patron}",
            if rng.chance(0.4) {
                format!("{public} ")
            } else {
                String::new()
            }
        ),
        Kind::Primaire => format!(
            "Ecole primaire {}{patron}",
            if rng.chance(0.4) {
                format!("{public} ")
            } else {
                String::new()
            }
        ),
        Kind::College => format!("Collège {patron}"),
        Kind::LyceeGt => format!("Lycée général et technologique {patron}"),
        Kind::LyceePro => {
            if rng.chance(0.5) {
                format!("Lycée professionnel {patron}")
            } else {
                format!("Lycée des métiers {patron}")
            }
        }
        Kind::LyceePoly => format!("Lycée polyvalent {patron}"),
        Kind::Erea => format!("EREA {patron}"),
        Kind::MedicoSocial => format!(
            "{} {patron}",
            rng.pick(&["IME", "ITEP", "Institut médico-éducatif", "SESSAD", "IEM"])
        ),
        Kind::Administratif => format!("Circonscription d'inspection du 1er degré {patron}"),
        Kind::Orientation => format!("Centre d'information et d'orientation {patron}"),
    };
    // A few names carry quotes in the real file (« Ecole "Les Lilas" »).
    if rng.chance(0.004) {
        format!("{name} \"annexe\"")
    } else {
        name
    }
}

fn phone(rng: &mut Rng, dept: &Dept) -> String {
    let first = match dept.code {
        "971" | "972" | "973" => "05 9",
        "974" | "976" => "02 6",
        _ => match dept.region {
            "11" => "01 ",
            "32" | "44" | "27" | "24" | "53" | "52" | "28" => "03 ",
            "93" | "84" | "94" => "04 ",
            _ => "05 ",
        },
    };
    let mut text = String::from(first);
    if first.len() == 3 {
        text.push_str(&format!("{:02}", rng.below(100)));
    } else {
        text.push_str(&format!("{}", rng.below(10)));
    }
    for _ in 0..3 {
        text.push_str(&format!(" {:02}", rng.below(100)));
    }
    text
}

fn flag(value: bool) -> String {
    if value { "1".into() } else { "0".into() }
}

#[allow(clippy::too_many_arguments)]
fn make_row(
    rng: &mut Rng,
    dept: &Dept,
    state: &mut DeptState,
    uai_text: String,
    kind: Kind,
    closed: bool,
    old: bool,
) -> Row {
    let academy = ACADEMIES.iter().find(|a| a.0 == dept.academy).unwrap();
    let region = REGIONS.iter().find(|r| r.0 == dept.region).unwrap();
    let private = match kind {
        k if k.is_school() => rng.chance(0.12),
        Kind::College | Kind::LyceeGt | Kind::LyceePro | Kind::LyceePoly => rng.chance(0.27),
        Kind::MedicoSocial => rng.chance(0.6),
        _ => false,
    };
    let (code_commune, postal, commune) =
        state.communes[rng.below(state.communes.len() as u64) as usize].clone();
    let name = school_name(rng, kind, private);
    let mut row = Row {
        values: Vec::with_capacity(NEW_HEADER.len()),
    };
    row.set("identifiant_de_l_etablissement", uai_text.clone());
    row.set("nom_etablissement", name);
    row.set("type_etablissement", kind.type_label());
    row.set(
        "statut_public_prive",
        if private { "Privé" } else { "Public" },
    );
    let number = rng.range(1, 180);
    let bis = if rng.chance(0.05) { " bis" } else { "" };
    let street_kind = *rng.pick(STREET_KINDS);
    let street_name = if rng.chance(0.6) {
        *rng.pick(PATRONS)
    } else {
        *rng.pick(PLACES)
    };
    let street_of = if street_name.starts_with(['A', 'E', 'É', 'I', 'O', 'U', 'H']) {
        "d'"
    } else {
        ""
    };
    // The real file writes « 12, rue … » about half the time: quoted in the CSV.
    let address = if rng.chance(0.5) {
        format!("{number}{bis}, {street_kind} {street_of}{street_name}")
    } else {
        format!("{number}{bis} {street_kind} {street_of}{street_name}")
    };
    row.set("adresse_1", address);
    row.set(
        "adresse_2",
        if rng.chance(0.08) {
            format!("BP {}", rng.range(1, 999))
        } else if rng.chance(0.05) {
            "Lieu-dit Le Bourg, hameau".into()
        } else {
            String::new()
        },
    );
    row.set("adresse_3", format!("{postal} {}", upper_ascii(&commune)));
    row.set("code_postal", postal);
    row.set("code_commune", code_commune);
    row.set("nom_commune", commune);
    row.set(
        "code_departement",
        if old {
            dept.code.trim_start_matches('0').to_string()
        } else {
            dept.code.to_string()
        },
    );
    row.set(
        "code_academie",
        if old && rng.chance(0.5) {
            academy.0.trim_start_matches('0').to_string()
        } else {
            academy.0.to_string()
        },
    );
    row.set("code_region", region.0);
    let (maternelle, elementaire) = match kind {
        Kind::Maternelle => (true, false),
        Kind::Elementaire => (false, true),
        Kind::Primaire => (true, true),
        _ => (false, false),
    };
    let (general, techno, pro) = match kind {
        Kind::LyceeGt => (true, rng.chance(0.7), false),
        Kind::LyceePro => (false, false, true),
        Kind::LyceePoly => (true, true, true),
        _ => (false, false, false),
    };
    let secondary = kind.is_secondary();
    let lycee = kind.is_lycee();
    let flag_or_empty = |v: bool| {
        if kind.is_school() || secondary {
            flag(v)
        } else {
            String::new()
        }
    };
    row.set("ecole_maternelle", flag_or_empty(maternelle));
    row.set("ecole_elementaire", flag_or_empty(elementaire));
    row.set(
        "voie_generale",
        if lycee { flag(general) } else { String::new() },
    );
    row.set(
        "voie_technologique",
        if lycee { flag(techno) } else { String::new() },
    );
    row.set(
        "voie_professionnelle",
        if lycee { flag(pro) } else { String::new() },
    );
    row.set("telephone", phone(rng, dept));
    row.set(
        "fax",
        if rng.chance(0.3) {
            phone(rng, dept)
        } else {
            String::new()
        },
    );
    row.set(
        "web",
        if secondary && rng.chance(0.6) {
            format!("https://{}.{}", uai_text.to_lowercase(), academy.2)
        } else {
            String::new()
        },
    );
    row.set("mail", format!("ce.{uai_text}@{}", academy.2));
    let canteen = kind.is_school() || secondary;
    row.set("restauration", flag_or_empty(canteen && rng.chance(0.85)));
    row.set("hebergement", flag_or_empty(lycee && rng.chance(0.4)));
    row.set("ulis", flag_or_empty(rng.chance(0.12)));
    row.set(
        "apprentissage",
        if secondary {
            flag(pro && rng.chance(0.5))
        } else {
            String::new()
        },
    );
    row.set(
        "segpa",
        if secondary {
            flag(kind == Kind::College && rng.chance(0.25))
        } else {
            String::new()
        },
    );
    for section in [
        "section_arts",
        "section_cinema",
        "section_theatre",
        "section_sport",
        "section_internationale",
        "section_europeenne",
    ] {
        row.set(
            section,
            if secondary {
                flag(rng.chance(0.1))
            } else {
                String::new()
            },
        );
    }
    row.set(
        "lycee_agricole",
        if lycee {
            flag(rng.chance(0.03))
        } else {
            String::new()
        },
    );
    row.set(
        "lycee_militaire",
        if lycee {
            flag(rng.chance(0.005))
        } else {
            String::new()
        },
    );
    row.set(
        "lycee_des_metiers",
        if lycee {
            flag(pro && rng.chance(0.5))
        } else {
            String::new()
        },
    );
    row.set(
        "post_bac",
        if lycee {
            flag(rng.chance(0.35))
        } else {
            String::new()
        },
    );
    row.set(
        "appartenance_education_prioritaire",
        if (kind.is_school() || kind == Kind::College) && !private {
            match rng.below(100) {
                0..=5 => "REP+",
                6..=17 => "REP",
                _ => "",
            }
        } else {
            ""
        },
    );
    row.set(
        "greta",
        if lycee {
            flag(rng.chance(0.2))
        } else {
            String::new()
        },
    );
    row.set(
        "siren_siret",
        format!(
            "{:09}{:05}",
            190_000_000 + rng.below(10_000_000),
            rng.below(100_000)
        ),
    );
    let pupils = match kind {
        Kind::Maternelle => rng.range(25, 250),
        Kind::Elementaire | Kind::Primaire => rng.range(15, 450),
        Kind::College => rng.range(150, 950),
        Kind::LyceeGt | Kind::LyceePoly => rng.range(300, 2200),
        Kind::LyceePro => rng.range(100, 900),
        Kind::Erea => rng.range(60, 250),
        _ => 0,
    };
    row.set(
        "nombre_d_eleves",
        if pupils > 0 && rng.chance(0.9) {
            pupils.to_string()
        } else {
            String::new()
        },
    );
    row.set(
        "fiche_onisep",
        if secondary {
            format!(
                "https://www.onisep.fr/http/redirection/etablissement/slug/ENS.{}",
                rng.range(1000, 99999)
            )
        } else {
            String::new()
        },
    );
    let located = rng.chance(0.985);
    let latitude = dept.lat + (rng.unit() - 0.5) * 0.7;
    let longitude = dept.lon + (rng.unit() - 0.5) * 0.9;
    row.set(
        "position",
        if located {
            format!("{latitude:.6}, {longitude:.6}")
        } else {
            String::new()
        },
    );
    row.set(
        "type_contrat_prive",
        if private {
            if rng.chance(0.95) {
                "CONTRAT D'ASSOCIATION TOUTES CLASSES"
            } else {
                "HORS CONTRAT"
            }
        } else {
            "SANS OBJET"
        },
    );
    row.set("libelle_departement", dept.name);
    row.set("libelle_academie", academy.1);
    row.set("libelle_region", region.1);
    let epsg = match dept.code {
        "971" | "972" => "EPSG:32620",
        "973" => "EPSG:2972",
        "974" => "EPSG:2975",
        "976" => "EPSG:4471",
        _ => "EPSG:2154",
    };
    row.set(
        "coordx_origine",
        if located {
            format!("{:.1}", 100_000.0 + rng.unit() * 1_000_000.0)
        } else {
            String::new()
        },
    );
    row.set(
        "coordy_origine",
        if located {
            format!("{:.1}", 6_100_000.0 + rng.unit() * 1_000_000.0)
        } else {
            String::new()
        },
    );
    row.set("epsg_origine", if located { epsg } else { "" });
    let circonscription =
        state.circonscriptions[rng.below(state.circonscriptions.len() as u64) as usize].clone();
    row.set(
        "nom_circonscription",
        if kind.is_school() {
            circonscription.1.clone()
        } else {
            String::new()
        },
    );
    let (lat_text, lon_text) = if !located {
        (String::new(), String::new())
    } else if old {
        (
            format!("{latitude:.6}").replace('.', ","),
            format!("{longitude:.6}").replace('.', ","),
        )
    } else {
        (format!("{latitude:.6}"), format!("{longitude:.6}"))
    };
    row.set("latitude", lat_text);
    row.set("longitude", lon_text);
    row.set(
        "precision_localisation",
        if located {
            *rng.pick(&[
                "Numéro de rue",
                "Numéro de rue",
                "Rue",
                "Lieu-dit",
                "Commune",
                "Bâtiment",
            ])
        } else {
            ""
        },
    );
    row.set(
        "date_ouverture",
        format!(
            "{}-{:02}-{:02}",
            rng.range(1950, 2023),
            rng.range(1, 12),
            rng.range(1, 28)
        ),
    );
    row.set(
        "date_maj_ligne",
        format!("2024-{:02}-{:02}", rng.range(1, 12), rng.range(1, 28)),
    );
    row.set("etat", if closed { "FERME" } else { "OUVERT" });
    row.set(
        "ministere_tutelle",
        if rng.chance(0.02) {
            "MINISTERE DE L'AGRICULTURE ET DE LA SOUVERAINETE ALIMENTAIRE"
        } else {
            "MINISTERE DE L'EDUCATION NATIONALE ET DE LA JEUNESSE"
        },
    );
    row.set("multi_uai", flag(rng.chance(0.01)));
    row.set(
        "rpi_concentre",
        if kind.is_school() {
            flag(rng.chance(0.05))
        } else {
            String::new()
        },
    );
    row.set(
        "rpi_disperse",
        if kind.is_school() {
            if rng.chance(0.08) {
                format!("RPI {}", rng.range(1, 400))
            } else {
                String::new()
            }
        } else {
            String::new()
        },
    );
    let (code_nature, libelle_nature) = kind.nature();
    row.set("code_nature", code_nature);
    row.set("libelle_nature", libelle_nature);
    row.set("code_type_contrat_prive", if private { "30" } else { "99" });
    row.set(
        "pial",
        if kind.is_school() || kind == Kind::College {
            circonscription.0.clone()
        } else {
            String::new()
        },
    );
    row.set("etablissement_mere", "");
    row.set("type_rattachement_etablissement_mere", "");
    row.set(
        "code_circonscription",
        if kind.is_school() {
            circonscription.0
        } else {
            String::new()
        },
    );
    row.set(
        "code_zone_animation_pedagogique",
        if rng.chance(0.7) {
            format!("{}{}", academy.0, rng.range(100, 199))
        } else {
            String::new()
        },
    );
    row.set(
        "libelle_zone_animation_pedagogique",
        if rng.chance(0.7) {
            format!("ZAP {}", upper_ascii(&state.communes[0].2))
        } else {
            String::new()
        },
    );
    let bassin = if kind.is_school() && rng.chance(0.4) {
        (String::new(), String::new())
    } else {
        state.bassins[rng.below(state.bassins.len() as u64) as usize].clone()
    };
    row.set("code_bassin_formation", bassin.0);
    row.set("libelle_bassin_formation", bassin.1);
    row
}

/// Old-style column names map onto the new-style values.
fn old_key(header: &str) -> &'static str {
    match header {
        "Identifiant_de_l_etablissement" => "identifiant_de_l_etablissement",
        "Nom_etablissement" => "nom_etablissement",
        "Type_etablissement" => "type_etablissement",
        "Statut_public_prive" => "statut_public_prive",
        "Adresse_1" => "adresse_1",
        "Adresse_2" => "adresse_2",
        "Adresse_3" => "adresse_3",
        "Code postal" => "code_postal",
        "Code_commune" => "code_commune",
        "Nom_commune" => "nom_commune",
        "Code département" => "code_departement",
        "Libellé département" => "libelle_departement",
        "Code_academie" => "code_academie",
        "Libellé académie" => "libelle_academie",
        "Code_region" => "code_region",
        "Libellé région" => "libelle_region",
        "Ecole_maternelle" => "ecole_maternelle",
        "Ecole_elementaire" => "ecole_elementaire",
        "Voie_generale" => "voie_generale",
        "Voie_technologique" => "voie_technologique",
        "Voie_professionnelle" => "voie_professionnelle",
        "Telephone" => "telephone",
        "Fax" => "fax",
        "Web" => "web",
        "Mail" => "mail",
        "Restauration" => "restauration",
        "Hebergement" => "hebergement",
        "ULIS" => "ulis",
        "Apprentissage" => "apprentissage",
        "SEGPA" => "segpa",
        "Appartenance_Education_Prioritaire" => "appartenance_education_prioritaire",
        "Nombre_d_eleves" => "nombre_d_eleves",
        "Code nature" => "code_nature",
        "Libellé nature" => "libelle_nature",
        "Code bassin formation" => "code_bassin_formation",
        "Libellé bassin formation" => "libelle_bassin_formation",
        "Date_ouverture" => "date_ouverture",
        "Date_maj_ligne" => "date_maj_ligne",
        "Latitude" => "latitude",
        "Longitude" => "longitude",
        "Etat" => "etat",
        other => panic!("unknown old header {other}"),
    }
}

/// Writes one CSV field, quoted when it holds the separator, a quote or a line end.
fn write_field(out: &mut Vec<u8>, value: &str, separator: u8) {
    let bytes = value.as_bytes();
    if bytes
        .iter()
        .any(|&b| b == separator || b == b'"' || b == b'\n' || b == b'\r')
    {
        out.push(b'"');
        for &b in bytes {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(bytes);
    }
}

struct Args {
    rows: u64,
    out: String,
    old: bool,
    seed: u64,
}

const USAGE: &str = "usage: gen_annuaire --rows N --out FILE [--style new|old] [--seed N]";

fn args() -> Result<Args, String> {
    let mut args = Args {
        rows: 66_000,
        out: String::new(),
        old: false,
        seed: 42,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| it.next())
                .ok_or_else(|| format!("{name} expects a value\n{USAGE}"))
        };
        match name.as_str() {
            "--rows" => args.rows = value()?.parse().map_err(|e| format!("--rows: {e}"))?,
            "--out" => args.out = value()?,
            "--seed" => args.seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--style" => {
                args.old = match value()?.as_str() {
                    "new" => false,
                    "old" => true,
                    other => return Err(format!("--style: expected new or old, got {other}")),
                }
            }
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    if args.out.is_empty() {
        return Err(format!("--out is required\n{USAGE}"));
    }
    Ok(args)
}

fn main() -> ExitCode {
    let args = match args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    match generate(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("gen_annuaire: {message}");
            ExitCode::FAILURE
        }
    }
}

fn generate(args: &Args) -> Result<(), String> {
    let started = Instant::now();
    let mut rng = Rng::new(args.seed);
    let mut states: Vec<DeptState> = DEPARTMENTS
        .iter()
        .map(|d| dept_state(&mut rng, d))
        .collect();
    let total_weight: f64 = DEPARTMENTS.iter().map(|d| d.weight).sum();
    let cumulative: Vec<f64> = DEPARTMENTS
        .iter()
        .scan(0.0, |acc, d| {
            *acc += d.weight / total_weight;
            Some(*acc)
        })
        .collect();

    // Which rows get a wrong check letter: one per 10,000 rows, at least one.
    let invalid_count = (args.rows / 10_000).max(1).min(args.rows);
    let mut invalid_rows: Vec<u64> = Vec::new();
    while (invalid_rows.len() as u64) < invalid_count {
        let r = rng.below(args.rows);
        if !invalid_rows.contains(&r) {
            invalid_rows.push(r);
        }
    }
    invalid_rows.sort_unstable();

    let separator = if args.old { b';' } else { b',' };
    let line_end: &[u8] = if args.old { b"\r\n" } else { b"\n" };
    let header: &[&str] = if args.old { OLD_HEADER } else { NEW_HEADER };
    let keys: Vec<&'static str> = if args.old {
        header.iter().map(|h| old_key(h)).collect()
    } else {
        NEW_HEADER.to_vec()
    };

    let file = File::create(&args.out).map_err(|e| format!("{}: {e}", args.out))?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let mut buffer = Vec::with_capacity(4096);
    if !args.old {
        buffer.extend_from_slice(b"\xef\xbb\xbf");
    }
    for (i, name) in header.iter().enumerate() {
        if i > 0 {
            buffer.push(separator);
        }
        write_field(&mut buffer, name, separator);
    }
    buffer.extend_from_slice(line_end);
    out.write_all(&buffer).map_err(|e| e.to_string())?;

    let mut order: Vec<usize> = Vec::new();
    let (mut closed, mut invalid, mut open_by_kind) = (
        0u64,
        Vec::new(),
        std::collections::BTreeMap::<&str, u64>::new(),
    );
    for row_index in 0..args.rows {
        let x = rng.unit();
        let mut d = cumulative
            .partition_point(|&c| c < x)
            .min(DEPARTMENTS.len() - 1);
        // Seven-digit UAIs leave 10,000 numbers per department: move on when full.
        let mut tries = 0;
        while states[d].next_seq > 9_990 {
            d = (d + 1) % DEPARTMENTS.len();
            tries += 1;
            if tries > DEPARTMENTS.len() {
                return Err(format!(
                    "too many rows ({}) for seven-digit UAIs",
                    args.rows
                ));
            }
        }
        let dept = &DEPARTMENTS[d];
        let state = &mut states[d];
        let number = state.uai_prefix * 10_000 + state.next_seq;
        state.next_seq += 1 + (rng.below(4) == 0) as u32;
        let uai = Uai::from_number(number);
        let is_invalid = invalid_rows.binary_search(&row_index).is_ok();
        let uai_text = if is_invalid {
            // The next letter of the check alphabet: always wrong.
            const LETTERS: &[u8] = b"ABCDEFGHJKLMNPRSTUVWXYZ";
            let right = uai.as_str().as_bytes()[7];
            let wrong = LETTERS
                [(LETTERS.iter().position(|&l| l == right).unwrap() + 1) % LETTERS.len()]
                as char;
            format!("{}{wrong}", &uai.as_str()[..7])
        } else {
            uai.to_string()
        };
        let kind = Kind::draw(&mut rng);
        let is_closed = !is_invalid && rng.chance(0.03);
        let row = make_row(
            &mut rng,
            dept,
            state,
            uai_text.clone(),
            kind,
            is_closed,
            args.old,
        );
        if is_invalid {
            invalid.push((row_index + 2, uai_text));
        } else if is_closed {
            closed += 1;
        } else {
            *open_by_kind.entry(kind.type_label()).or_default() += 1;
        }
        // Every row sets the same keys in the same order: map the output
        // columns onto them once, from the first row.
        if order.is_empty() {
            order = keys
                .iter()
                .map(|key| row.position(key))
                .collect::<Result<_, _>>()?;
        }
        debug_assert!(keys.iter().zip(&order).all(|(k, &i)| row.values[i].0 == *k));
        buffer.clear();
        for (i, &position) in order.iter().enumerate() {
            if i > 0 {
                buffer.push(separator);
            }
            write_field(&mut buffer, &row.values[position].1, separator);
        }
        buffer.extend_from_slice(line_end);
        out.write_all(&buffer).map_err(|e| e.to_string())?;
    }
    out.flush().map_err(|e| e.to_string())?;

    let valid_open = args.rows - closed - invalid.len() as u64;
    eprintln!(
        "gen_annuaire: {} rows ({} style, seed {}) -> {} in {:.0} ms",
        args.rows,
        if args.old { "old" } else { "new" },
        args.seed,
        args.out,
        started.elapsed().as_secs_f64() * 1000.0
    );
    eprintln!(
        "  expected import: created {valid_open}, skipped_closed {closed}, rejected {}",
        invalid.len()
    );
    eprintln!(
        "  open rows by type: {}",
        open_by_kind
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    eprintln!(
        "  invalid UAIs (line: uai): {}",
        invalid
            .iter()
            .map(|(line, uai)| format!("{line}: {uai}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(())
}
