//! The hand-written fragments the demo's actions are made of: kinds of
//! action (« archetypes ») with their titles, summary, description and
//! usual setting, a few sentences tying an action to its edition's theme,
//! one per showcase kind, and the reviewers' comments. Written for the demo
//! from the circulars and method sheets of Créteil and Normandie.

/// The theme of an edition, for the fragments that belong to one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    /// Créteil 2022, « Autonomies, Mobilités et Persévérance ».
    Mobilites,
    /// Créteil 2023, « le projet ».
    Projet,
    /// Créteil 2024, the totem of perseverance (Olympic year).
    Totem,
    /// Normandie 2023, « l'engagement, clé de la réussite ».
    Engagement,
    /// The current edition, « La persévérance, un projet collectif ».
    Collectif,
}

/// A kind of action, as schools run it year after year.
pub struct Archetype {
    pub titles: &'static [&'static str],
    pub summary: &'static str,
    pub description: &'static str,
    pub audiences: &'static [&'static str],
    pub showcase: &'static [&'static str],
    /// What « Autre valorisation » means for this action.
    pub other_showcase: &'static str,
    pub place: &'static str,
    pub partners: &'static str,
    pub times: (&'static str, &'static str),
    pub participants: (i64, i64),
    pub scheme: &'static str,
    /// The school kinds where it happens (empty: all).
    pub kinds: &'static [&'static str],
    /// The levels it concerns (empty: those of the school).
    pub levels: &'static [&'static str],
    /// The editions it belongs to (empty: every edition).
    pub themes: &'static [Theme],
    /// The job title of whoever carries it, when it is specific.
    pub role: Option<(&'static str, &'static str)>,
    /// A class registered for the poster contest.
    pub poster: bool,
}

const ANY: &[&str] = &[];
const COLLEGE: &[&str] = &["college"];
const LYCEES: &[&str] = &["lycee", "lp"];
const SECONDARY: &[&str] = &["college", "lycee", "lp"];

/// The levels of each kind of school.
pub fn levels_of(kind: &str) -> &'static [&'static str] {
    match kind {
        "college" => &["6e", "5e", "4e", "3e"],
        "lycee" => &["2de", "1re", "terminale", "post-bac"],
        "lp" => &["cap", "2de", "1re", "terminale"],
        "erea" => &["4e", "3e", "cap"],
        _ => &["6e", "5e", "4e", "3e"],
    }
}

const fn base() -> Archetype {
    Archetype {
        titles: &[],
        summary: "",
        description: "",
        audiences: &["eleves"],
        showcase: &["evenement-etablissement"],
        other_showcase: "",
        place: "CDI",
        partners: "Aucun",
        times: ("14:00", "16:00"),
        participants: (30, 80),
        scheme: "aucun",
        kinds: ANY,
        levels: &[],
        themes: &[],
        role: None,
        poster: false,
    }
}

pub const ARCHETYPES: &[Archetype] = &[
    Archetype {
        titles: &[
            "Forum des anciens élèves",
            "« Ils sont passés par là » : rencontre avec d'anciens élèves",
            "Retour d'anciens : parcours de réussite",
        ],
        summary: "D'anciens élèves reviennent raconter leur parcours, leurs doutes et ce qui les a aidés à tenir.",
        description: "D'anciens élèves, aujourd'hui en formation, en apprentissage ou en emploi, échangent avec les classes par petits groupes. Chacun raconte un moment où il a failli décrocher et les personnes ou les dispositifs qui l'ont aidé à reprendre pied.",
        showcase: &["evenement-etablissement", "temoignages-video"],
        place: "Salle polyvalente",
        partners: "Association des anciens élèves, Mission locale",
        participants: (60, 160),
        kinds: SECONDARY,
        ..base()
    },
    Archetype {
        titles: &[
            "Café des parents",
            "Café des parents : parler de l'orientation sans stress",
            "Petit-déjeuner des familles",
        ],
        summary: "Un temps convivial où les parents échangent avec l'équipe sur la scolarité de leurs enfants.",
        description: "Autour d'un café, les parents rencontrent la CPE, le psychologue de l'Éducation nationale et des professeurs principaux. On y parle d'accompagnement des devoirs, d'assiduité et des signes de découragement qu'il faut savoir repérer à la maison.",
        audiences: &["parents", "personnels"],
        showcase: &["temps-festif", "reportage-photo"],
        place: "Salle des familles",
        partners: "Association de parents d'élèves, centre social du quartier",
        times: ("08:30", "10:00"),
        participants: (15, 45),
        ..base()
    },
    Archetype {
        titles: &[
            "Mur des réussites",
            "Le mur des petites victoires",
            "L'arbre des réussites",
        ],
        summary: "Chaque élève affiche une réussite de l'année, petite ou grande, sur un mur collectif.",
        description: "Dans les semaines qui précèdent, chaque classe recueille les réussites de ses élèves : une note remontée, un exposé réussi, un retard rattrapé, un engagement tenu. Le mur est inauguré dans le hall pendant la semaine et reste visible jusqu'aux vacances.",
        audiences: &["eleves", "personnels"],
        showcase: &["exposition", "reportage-photo"],
        place: "Hall d'entrée",
        times: ("08:00", "17:30"),
        participants: (150, 600),
        ..base()
    },
    Archetype {
        titles: &[
            "Théâtre-forum sur le décrochage",
            "Théâtre-forum : « Et si je lâchais ? »",
        ],
        summary: "Des scènes jouées par des élèves, que le public arrête et rejoue pour chercher d'autres issues.",
        description: "Avec une compagnie de théâtre, un groupe d'élèves a écrit des scènes inspirées de situations vécues : absences qui s'accumulent, conflit avec un adulte, perte de motivation. Pendant la représentation, les spectateurs proposent d'autres réactions et viennent les jouer sur scène.",
        audiences: &["eleves", "parents"],
        showcase: &["evenement-etablissement", "temoignages-video"],
        place: "Salle de spectacle",
        partners: "Compagnie de théâtre du territoire",
        times: ("14:00", "16:30"),
        participants: (80, 220),
        kinds: SECONDARY,
        ..base()
    },
    Archetype {
        titles: &[
            "Tutorat entre élèves",
            "Binômes de réussite : le tutorat entre pairs",
        ],
        summary: "Des élèves volontaires accompagnent chaque semaine un camarade qui a besoin d'un coup de pouce.",
        description: "Les tuteurs, formés par la vie scolaire, retrouvent leur binôme deux fois par semaine pour organiser le travail et reprendre les notions difficiles. Pendant la semaine, les binômes présentent leur expérience et le bilan de l'année aux autres élèves.",
        showcase: &["evenement-etablissement", "temoignages-video"],
        place: "Salle d'étude",
        partners: "Association d'aide aux devoirs",
        times: ("12:30", "13:30"),
        participants: (20, 50),
        ..base()
    },
    Archetype {
        titles: &[
            "Ateliers « Confiance en soi »",
            "Atelier estime de soi et gestion du stress",
        ],
        summary: "Des ateliers en petits groupes pour reprendre confiance, avec l'infirmière et le psychologue de l'Éducation nationale.",
        description: "Exercices de respiration, jeux de rôle et écriture : chaque séance aide les élèves à nommer leurs réussites et à préparer les moments qui les inquiètent, comme un oral, un examen ou un conseil de classe.",
        showcase: &["autre", "reportage-photo"],
        other_showcase: "Livret de conseils rédigé par les élèves et remis aux familles",
        place: "Salle de réunion",
        partners: "Maison des adolescents",
        times: ("10:00", "12:00"),
        participants: (10, 24),
        ..base()
    },
    Archetype {
        titles: &["Rallye des métiers", "Parcours découverte des métiers"],
        summary: "Par équipes, les élèves rencontrent des professionnels et découvrent des métiers en relevant des défis.",
        description: "Une vingtaine de professionnels du bassin tiennent des stands. Les équipes vont de stand en stand avec un carnet de route, posent leurs questions et relèvent un défi pratique à chaque étape.",
        audiences: &["eleves", "partenaires"],
        showcase: &["evenement-district", "reportage-photo"],
        place: "Gymnase",
        partners: "Entreprises du bassin, chambre de commerce et d'industrie",
        times: ("09:00", "12:00"),
        participants: (100, 250),
        kinds: SECONDARY,
        ..base()
    },
    Archetype {
        titles: &[
            "Liaison 3e-2de : une journée au lycée",
            "Mini-stages de découverte au lycée",
        ],
        summary: "Des élèves de 3e passent une journée au lycée pour découvrir une formation avant de choisir.",
        description: "Accueillis par des lycéens ambassadeurs, les collégiens suivent des cours, visitent les ateliers et déjeunent au self. Un temps d'échange avec les professeurs répond à leurs questions sur les voies de formation.",
        audiences: &["eleves", "parents"],
        showcase: &["evenement-district", "temoignages-video"],
        place: "Lycée du secteur",
        partners: "Lycée et collèges du secteur",
        times: ("08:30", "16:00"),
        participants: (30, 90),
        kinds: SECONDARY,
        levels: &["3e", "2de"],
        ..base()
    },
    Archetype {
        titles: &[
            "Liaison CM2-6e : défis de printemps",
            "Rencontre écoles-collège",
        ],
        summary: "Les futurs sixièmes découvrent le collège et relèvent des défis avec les élèves de 6e.",
        description: "Les CM2 des écoles du secteur passent une matinée au collège : visite, course d'orientation dans les bâtiments et atelier animé par des élèves de 6e qui racontent leur première année.",
        audiences: &["eleves", "personnels"],
        showcase: &["evenement-etablissement", "reportage-photo"],
        place: "Cour et bâtiments du collège",
        partners: "Écoles élémentaires du secteur",
        times: ("09:00", "11:30"),
        participants: (60, 140),
        kinds: COLLEGE,
        levels: &["6e"],
        ..base()
    },
    Archetype {
        titles: &[
            "Webradio de la persévérance",
            "Émission de radio : « Tenir bon »",
        ],
        summary: "Les élèves réalisent une émission de radio sur ce qui les aide à tenir dans leur scolarité.",
        description: "Interviews de professeurs, d'anciens élèves et de parents, chroniques et musique : l'émission est enregistrée en public pendant la semaine, puis diffusée sur l'espace numérique de travail.",
        audiences: &["eleves", "parents"],
        showcase: &["temoignages-video", "autre"],
        other_showcase: "Podcast diffusé sur l'espace numérique de travail",
        place: "CDI, studio de la webradio",
        partners: "CLEMI",
        times: ("13:00", "15:00"),
        participants: (20, 60),
        ..base()
    },
    Archetype {
        titles: &[
            "Escape game de l'orientation",
            "Escape game : « Le code de la réussite »",
        ],
        summary: "Un jeu d'évasion conçu par des élèves pour découvrir les personnes ressources de l'établissement.",
        description: "Par équipes de six, les joueurs résolvent des énigmes qui les mènent au CDI, à la vie scolaire, à l'infirmerie et chez le psychologue de l'Éducation nationale : autant de portes où frapper quand on décroche.",
        showcase: &["temps-festif", "reportage-photo"],
        partners: "Réseau Canopé",
        times: ("10:00", "12:00"),
        participants: (40, 120),
        ..base()
    },
    Archetype {
        titles: &[
            "Course solidaire de la persévérance",
            "Défi sportif inter-classes",
        ],
        summary: "Une course où chaque tour compte pour la classe : on avance ensemble, chacun à son rythme.",
        description: "Élèves et adultes courent ou marchent en relais ; chaque participant se fixe son propre objectif. Les tours sont additionnés par classe et un temps festif clôt la matinée.",
        audiences: &["eleves", "personnels", "parents"],
        showcase: &["temps-festif", "reportage-photo"],
        place: "Stade municipal",
        partners: "Club d'athlétisme de la ville, UNSS",
        times: ("09:00", "12:00"),
        participants: (150, 400),
        role: Some(("Professeure d'EPS", "Professeur d'EPS")),
        ..base()
    },
    Archetype {
        titles: &[
            "Exposition « Portraits de persévérants »",
            "Portraits : ce qui me fait avancer",
        ],
        summary: "Des portraits photographiques d'élèves et d'adultes, chacun avec une phrase sur ce qui le fait avancer.",
        description: "Accompagnés par un photographe, les élèves réalisent les portraits et recueillent les témoignages. L'exposition est inaugurée en présence des familles, puis prêtée à la médiathèque de la ville.",
        audiences: &["eleves", "parents", "partenaires"],
        showcase: &["exposition", "reportage-photo"],
        place: "Galerie du CDI",
        partners: "Photographe professionnel, médiathèque municipale",
        times: ("17:00", "19:00"),
        participants: (50, 150),
        ..base()
    },
    Archetype {
        titles: &[
            "Cérémonie des progrès",
            "Remise des « diplômes du courage »",
        ],
        summary: "Une cérémonie qui récompense les progrès et l'engagement, pas seulement les meilleures moyennes.",
        description: "Sur proposition des conseils de classe, des élèves sont distingués pour leur assiduité retrouvée, leurs progrès ou leur engagement au service des autres. Les familles sont invitées et chaque élève reçoit un mot de son professeur principal.",
        audiences: &["eleves", "parents", "personnels"],
        showcase: &["evenement-etablissement", "temps-festif"],
        place: "Réfectoire réaménagé",
        times: ("17:30", "19:00"),
        participants: (100, 250),
        ..base()
    },
    Archetype {
        titles: &[
            "Journal de la persévérance",
            "Gazette de la semaine de la persévérance",
        ],
        summary: "Une édition spéciale du journal de l'établissement, écrite par les élèves sur le thème de l'année.",
        description: "Le comité de rédaction interroge élèves, adultes et partenaires, et recueille des récits de réussite. Le numéro spécial est distribué pendant la semaine et mis en ligne.",
        showcase: &["exposition", "autre"],
        other_showcase: "Numéro spécial imprimé et publié en ligne",
        partners: "CLEMI",
        times: ("12:30", "13:30"),
        participants: (15, 30),
        role: Some(("Professeure documentaliste", "Professeur documentaliste")),
        ..base()
    },
    Archetype {
        titles: &[
            "Atelier affiches pour le concours académique",
            "Nos affiches pour le concours de la persévérance",
        ],
        summary: "Les élèves conçoivent une affiche sur le thème de l'année pour le concours académique d'affiches.",
        description: "En arts plastiques, les élèves débattent du thème, esquissent puis réalisent leur affiche. Une sélection est envoyée au concours et toutes les productions sont exposées dans l'établissement.",
        showcase: &["exposition", "reportage-photo"],
        place: "Salle d'arts plastiques",
        times: ("10:00", "12:00"),
        participants: (20, 60),
        role: Some((
            "Professeure d'arts plastiques",
            "Professeur d'arts plastiques",
        )),
        poster: true,
        ..base()
    },
    Archetype {
        titles: &[
            "Speed-meeting avec des professionnels",
            "Parrainage : un professionnel pour chaque élève volontaire",
        ],
        summary: "Des professionnels parrainent des élèves et partagent leur expérience du monde du travail.",
        description: "Chaque élève volontaire rencontre un parrain ou une marraine issu d'une entreprise partenaire. La rencontre de lancement a lieu pendant la semaine ; les binômes se retrouvent ensuite une fois par mois.",
        audiences: &["eleves", "partenaires"],
        showcase: &["evenement-district", "temoignages-video"],
        place: "Salle polyvalente",
        partners: "Association de parrainage, entreprises partenaires",
        times: ("14:00", "17:00"),
        participants: (20, 60),
        kinds: LYCEES,
        ..base()
    },
    Archetype {
        titles: &[
            "Formation : repérer les signaux faibles du décrochage",
            "GPDS élargi : agir tôt et ensemble",
        ],
        summary: "Un temps de travail pour les équipes : repérer tôt les élèves qui décrochent et agir ensemble.",
        description: "À partir de situations anonymisées, les équipes construisent une grille de repérage commune et clarifient le rôle de chacun dans le groupe de prévention du décrochage scolaire. Le coordonnateur MLDS présente les dispositifs du district.",
        audiences: &["personnels"],
        showcase: &["evenement-district"],
        place: "Salle des professeurs",
        partners: "CIO, coordonnateur MLDS du district",
        times: ("16:30", "18:30"),
        participants: (15, 45),
        role: Some(REFERENT),
        ..base()
    },
    Archetype {
        titles: &[
            "Ateliers d'orientation avec le CIO",
            "Forum de l'orientation et des formations",
        ],
        summary: "Des ateliers pour explorer les formations et préparer ses choix, avec les psychologues du CIO.",
        description: "Les élèves découvrent les outils de l'orientation, préparent les questions à poser aux formations et repartent avec un plan d'action personnel. Les parents sont invités à l'atelier de fin de journée.",
        audiences: &["eleves", "parents"],
        showcase: &["evenement-etablissement", "exposition"],
        partners: "Centre d'information et d'orientation",
        times: ("09:00", "12:00"),
        participants: (40, 120),
        role: Some((
            "Psychologue de l'Éducation nationale",
            "Psychologue de l'Éducation nationale",
        )),
        ..base()
    },
    Archetype {
        titles: &[
            "Concert de la chorale : « Ne lâche rien »",
            "Spectacle musical des élèves",
        ],
        summary: "La chorale et l'atelier musique présentent un spectacle écrit autour de la persévérance.",
        description: "Les élèves ont choisi et réécrit des chansons qui parlent d'effort, de doute et de réussite. Le concert réunit les familles et les écoles du secteur.",
        audiences: &["eleves", "parents"],
        showcase: &[
            "evenement-etablissement",
            "temps-festif",
            "temoignages-video",
        ],
        place: "Auditorium",
        partners: "Conservatoire municipal",
        times: ("18:00", "19:30"),
        participants: (120, 300),
        ..base()
    },
    // The dispositifs of the form: one or two kinds of action each.
    Archetype {
        titles: &[
            "Portes ouvertes du dispositif relais",
            "Retour en classe : les élèves du dispositif relais témoignent",
        ],
        summary: "Les élèves du dispositif relais montrent ce qu'ils ont construit pour revenir en classe.",
        description: "Les élèves accueillis en dispositif relais présentent leurs réalisations et racontent leur parcours aux équipes des collèges du secteur. Les familles et les partenaires sont invités à l'échange qui suit.",
        audiences: &["eleves", "parents", "partenaires"],
        showcase: &["evenement-district", "temoignages-video"],
        place: "Locaux du dispositif relais",
        partners: "Protection judiciaire de la jeunesse, association de prévention",
        participants: (20, 50),
        scheme: "relais",
        kinds: COLLEGE,
        role: Some((
            "Coordonnatrice du dispositif relais",
            "Coordonnateur du dispositif relais",
        )),
        ..base()
    },
    Archetype {
        titles: &[
            "MLDS : restitution du stage de remobilisation",
            "Forum « Raccrocher » de la MLDS",
        ],
        summary: "Les jeunes de la Mission de lutte contre le décrochage scolaire présentent leur projet de retour en formation.",
        description: "Après plusieurs semaines de remobilisation (stages, ateliers, remise à niveau), les jeunes présentent leur projet devant un jury bienveillant de professionnels et de professeurs de lycée professionnel.",
        audiences: &["eleves", "partenaires", "personnels"],
        showcase: &["evenement-district", "temoignages-video"],
        place: "Salle de réunion du lycée",
        partners: "Mission locale, centre d'information et d'orientation",
        times: ("09:30", "12:00"),
        participants: (15, 35),
        scheme: "mlds",
        kinds: LYCEES,
        role: Some(("Coordonnatrice MLDS", "Coordonnateur MLDS")),
        ..base()
    },
    Archetype {
        titles: &[
            "Exposition « Mon parcours, mes langues »",
            "Ateliers plurilingues de l'UPE2A",
        ],
        summary: "Les élèves allophones de l'UPE2A partagent leurs langues et leur parcours avec tout l'établissement.",
        description: "Cartes, objets, récits bilingues et enregistrements : les élèves de l'unité pédagogique pour élèves allophones arrivants racontent d'où ils viennent et ce qu'ils ont appris depuis leur arrivée.",
        audiences: &["eleves", "parents"],
        showcase: &["exposition", "temoignages-video"],
        place: "CDI",
        partners: "Médiathèque municipale, association d'interprètes",
        times: ("13:30", "16:00"),
        participants: (40, 120),
        scheme: "upe2a",
        kinds: SECONDARY,
        role: Some(("Professeure de FLE", "Professeur de FLE")),
        ..base()
    },
    Archetype {
        titles: &[
            "Atelier inclusif ULIS et classes ordinaires",
            "Exposition des réalisations des élèves d'ULIS",
        ],
        summary: "Les élèves de l'ULIS animent un atelier avec une classe ordinaire et présentent leurs réalisations.",
        description: "En binômes mixtes, élèves de l'unité localisée pour l'inclusion scolaire et élèves d'une classe ordinaire réalisent ensemble un objet présenté ensuite à l'exposition de la semaine.",
        showcase: &["exposition", "reportage-photo"],
        place: "Salle de technologie",
        partners: "Service d'éducation spéciale et de soins à domicile",
        times: ("10:00", "12:00"),
        participants: (20, 40),
        scheme: "ulis",
        kinds: &["college", "lp"],
        role: Some(("Coordonnatrice ULIS", "Coordonnateur ULIS")),
        ..base()
    },
    Archetype {
        titles: &[
            "Micro-lycée : paroles de raccrocheurs",
            "Portes ouvertes du micro-lycée",
        ],
        summary: "Les élèves du micro-lycée racontent leur retour en formation après une interruption de scolarité.",
        description: "Les élèves du micro-lycée accueillent des jeunes sortis sans diplôme, leurs familles et les partenaires du district. Ils présentent la pédagogie du micro-lycée et témoignent de leur parcours.",
        audiences: &["eleves", "parents", "partenaires"],
        showcase: &["temoignages-video", "evenement-district"],
        place: "Locaux du micro-lycée",
        partners: "Mission locale, plateforme de suivi et d'appui aux décrocheurs",
        times: ("14:00", "17:00"),
        participants: (20, 60),
        scheme: "micro-lycee",
        kinds: &["lycee"],
        levels: &["2de", "1re", "terminale"],
        ..base()
    },
    Archetype {
        titles: &[
            "Nouvelle Chance : journée découverte",
            "Le dispositif Nouvelle Chance ouvre ses portes",
        ],
        summary: "Le dispositif Nouvelle Chance présente son accompagnement aux jeunes qui veulent reprendre une formation.",
        description: "Ateliers de découverte, entretiens individuels et rencontre avec d'anciens élèves du dispositif : la journée permet aux jeunes et à leurs familles de se projeter dans un retour en formation.",
        audiences: &["eleves", "parents", "partenaires"],
        showcase: &["evenement-district", "temps-festif"],
        place: "Locaux du dispositif Nouvelle Chance",
        partners: "Mission locale, centre d'information et d'orientation",
        times: ("09:00", "16:00"),
        participants: (15, 40),
        scheme: "nouvelle-chance",
        kinds: LYCEES,
        ..base()
    },
    Archetype {
        titles: &[
            "Ateliers de la SEGPA ouverts aux familles",
            "Vitrine des ateliers de SEGPA",
        ],
        summary: "Les élèves de SEGPA font découvrir leurs ateliers professionnels aux familles et aux élèves de 6e.",
        description: "Habitat, hygiène-alimentation-services, espace rural : les élèves présentent les réalisations de leurs ateliers et font participer les visiteurs.",
        audiences: &["eleves", "parents"],
        showcase: &["evenement-etablissement", "exposition"],
        place: "Ateliers de la SEGPA",
        partners: "Entreprises d'accueil des stages",
        times: ("13:30", "16:30"),
        participants: (40, 100),
        scheme: "segpa",
        kinds: &["college", "erea"],
        levels: &["4e", "3e"],
        role: Some((
            "Professeure des écoles en SEGPA",
            "Professeur des écoles en SEGPA",
        )),
        ..base()
    },
    Archetype {
        titles: &[
            "Classe de remobilisation : restitution des projets",
            "« Devoirs faits » : les tuteurs de l'établissement",
        ],
        summary: "Les élèves d'un dispositif interne à l'établissement présentent le chemin parcouru depuis la rentrée.",
        description: "Le dispositif, créé par l'établissement pour accompagner des élèves en perte de repères, réunit quelques heures par semaine des élèves et des adultes volontaires. Les élèves présentent ce qu'ils ont réalisé et ce que le dispositif a changé pour eux.",
        showcase: &["autre", "evenement-etablissement"],
        other_showcase: "Article dans le journal de la ville",
        place: "Salle du dispositif",
        partners: "Ville, service jeunesse",
        times: ("15:00", "17:00"),
        participants: (12, 30),
        scheme: "autre",
        ..base()
    },
    // The themes of the editions.
    Archetype {
        titles: &[
            "Rallye « Se repérer dans la ville »",
            "Atelier mobilité : préparer seul son trajet vers le stage",
        ],
        summary: "Les élèves apprennent à préparer et à faire seuls un trajet vers un lieu de formation ou de stage.",
        description: "Lecture de plans, applications de transport, budget, imprévus : par petits groupes, les élèves préparent puis réalisent un trajet vers un lycée, une entreprise ou un centre de formation du bassin.",
        showcase: &["reportage-photo", "evenement-etablissement"],
        place: "Départ du hall, trajets dans le bassin",
        partners: "Réseau de transport de la ville",
        times: ("09:00", "12:30"),
        participants: (20, 60),
        themes: &[Theme::Mobilites],
        ..base()
    },
    Archetype {
        titles: &[
            "Autonomie : une semaine pour organiser son travail",
            "Ateliers « Apprendre à apprendre »",
        ],
        summary: "Des ateliers pour gagner en autonomie dans son travail : planifier, réviser, demander de l'aide.",
        description: "Chaque élève construit son agenda de la semaine, teste des méthodes de révision et repère les personnes ressources de l'établissement. Les professeurs principaux font le point avec chacun en fin de semaine.",
        showcase: &["evenement-etablissement", "reportage-photo"],
        place: "Salles de classe",
        times: ("10:00", "12:00"),
        participants: (25, 90),
        themes: &[Theme::Mobilites],
        ..base()
    },
    Archetype {
        titles: &[
            "Carnet de route : mon projet d'orientation",
            "Mini-entreprise : présentation du projet",
        ],
        summary: "Les élèves présentent le projet qu'ils mènent depuis l'automne, de l'idée à la réalisation.",
        description: "Idée de départ, répartition des rôles, calendrier, difficultés rencontrées : les élèves racontent leur projet devant un jury d'adultes et de camarades, qui leur pose des questions et les encourage.",
        audiences: &["eleves", "personnels", "partenaires"],
        showcase: &["evenement-etablissement", "exposition"],
        place: "Salle polyvalente",
        partners: "Entreprendre pour apprendre",
        times: ("14:00", "16:00"),
        participants: (30, 80),
        themes: &[Theme::Projet, Theme::Collectif],
        ..base()
    },
    Archetype {
        titles: &[
            "Chef-d'œuvre de CAP : présentation des réalisations",
            "Le chef-d'œuvre, un projet de deux ans",
        ],
        summary: "Les élèves de CAP présentent leur chef-d'œuvre, projet collectif mené sur deux années.",
        description: "Les élèves expliquent les étapes de leur chef-d'œuvre, les savoir-faire mobilisés et ce que le projet leur a appris. Les professionnels partenaires sont invités à l'oral de présentation.",
        audiences: &["eleves", "partenaires"],
        showcase: &["exposition", "evenement-etablissement"],
        place: "Ateliers du lycée",
        partners: "Entreprises partenaires des stages",
        times: ("09:00", "12:00"),
        participants: (25, 70),
        kinds: &["lp", "erea"],
        levels: &["cap"],
        themes: &[Theme::Projet, Theme::Collectif],
        role: Some((
            "Professeure de lycée professionnel",
            "Professeur de lycée professionnel",
        )),
        ..base()
    },
    Archetype {
        titles: &[
            "Construction du totem de la persévérance",
            "Inauguration de notre totem de la persévérance",
        ],
        summary: "Élèves et personnels construisent ensemble le totem de l'établissement, entre valeurs olympiques et persévérance.",
        description: "Chaque classe réalise un élément du totem : un anneau, un drapeau, une devise, un symbole de ce qui l'aide à persévérer. Le totem est assemblé puis inauguré pendant la semaine, et sa photo est envoyée au rectorat.",
        audiences: &["eleves", "personnels"],
        showcase: &["exposition", "reportage-photo"],
        place: "Cour de l'établissement",
        times: ("11:00", "12:00"),
        participants: (100, 500),
        themes: &[Theme::Totem],
        role: Some(REFERENT),
        ..base()
    },
    Archetype {
        titles: &[
            "Olympiades de la persévérance",
            "Relais de la flamme de la persévérance",
        ],
        summary: "Des épreuves sportives et coopératives où l'on gagne ensemble, à l'image de la devise olympique.",
        description: "Les équipes mêlent classes et adultes ; chaque épreuve récompense l'entraide autant que la performance. La flamme passe de classe en classe tout au long de la semaine.",
        audiences: &["eleves", "personnels", "parents"],
        showcase: &["temps-festif", "reportage-photo"],
        place: "Gymnase et stade",
        partners: "Comité départemental olympique et sportif, UNSS",
        times: ("13:30", "16:30"),
        participants: (120, 400),
        themes: &[Theme::Totem],
        role: Some(("Professeure d'EPS", "Professeur d'EPS")),
        ..base()
    },
    Archetype {
        titles: &[
            "Les élèves s'engagent : forum des associations",
            "Éco-délégués en action",
            "Conseil de vie collégienne : un projet solidaire",
        ],
        summary: "Les élèves engagés présentent leurs actions et invitent leurs camarades à les rejoindre.",
        description: "Délégués, éco-délégués, membres du conseil de vie collégienne ou lycéenne et jeunes bénévoles présentent leurs projets. Des associations du territoire proposent des missions à la mesure des élèves.",
        audiences: &["eleves", "partenaires"],
        showcase: &["evenement-etablissement", "reportage-photo"],
        place: "Hall et foyer des élèves",
        partners: "Associations du territoire, service civique",
        times: ("12:00", "14:00"),
        participants: (60, 200),
        themes: &[Theme::Engagement, Theme::Collectif],
        ..base()
    },
    Archetype {
        titles: &[
            "Cérémonie de l'engagement",
            "Valoriser l'engagement : remise des attestations",
        ],
        summary: "Une cérémonie qui reconnaît l'engagement des élèves au service des autres, dans l'établissement et au dehors.",
        description: "Les élèves engagés reçoivent une attestation qui rejoint leur dossier ; chacun présente en une minute ce que son engagement lui a apporté. Les familles et les partenaires associatifs sont invités.",
        audiences: &["eleves", "parents", "partenaires"],
        showcase: &["evenement-etablissement", "temps-festif"],
        place: "Salle polyvalente",
        partners: "Associations partenaires",
        times: ("17:30", "19:00"),
        participants: (80, 200),
        themes: &[Theme::Engagement],
        ..base()
    },
];

const REFERENT: (&str, &str) = super::people::REFERENT_ROLE;

/// Sentences tying an action to its edition's theme (one is added to each
/// description).
pub fn theme_lines(theme: Theme) -> &'static [&'static str] {
    match theme {
        Theme::Mobilites => &[
            "En lien avec le thème « Autonomies, Mobilités et Persévérance », les élèves préparent eux-mêmes l'organisation et les déplacements.",
            "L'action s'inscrit dans le thème de l'année : gagner en autonomie, oser bouger, découvrir d'autres lieux de formation.",
            "La mobilité y est abordée concrètement : trajets, lieux de stage, formations situées hors du quartier.",
        ],
        Theme::Projet => &[
            "Fidèle au thème de l'année, l'action est construite comme un projet : les élèves en fixent les objectifs, le calendrier et la restitution.",
            "Le projet est mené depuis janvier ; la semaine de la persévérance en est la restitution.",
            "L'action aide chaque élève à formuler son propre projet, scolaire ou professionnel.",
        ],
        Theme::Totem => &[
            "Le totem de l'établissement sert de fil rouge : chaque participant y accroche un message.",
            "En écho aux Jeux olympiques et paralympiques, l'action reprend la devise « Plus vite, plus haut, plus fort, ensemble ».",
            "Les valeurs de l'olympisme (excellence, amitié, respect) y sont reliées à celles de la persévérance scolaire.",
        ],
        Theme::Engagement => &[
            "En lien avec le thème « l'engagement, clé de la réussite », l'action valorise l'engagement des élèves au service des autres.",
            "Les élèves engagés (délégués, éco-délégués, tuteurs) sont au cœur de l'organisation.",
            "L'action montre que s'engager, dans l'établissement ou au dehors, aide à tenir dans sa scolarité.",
        ],
        Theme::Collectif => &[
            "Conformément au thème de l'année, l'action réunit plusieurs classes et plusieurs adultes autour d'un même projet.",
            "Le projet est porté collectivement : élèves, personnels et partenaires en partagent l'organisation.",
        ],
    }
}

/// The sentence that says how an action will be showcased.
pub fn showcase_line(kind: &str) -> &'static str {
    match kind {
        "evenement-etablissement" => {
            "L'action sera présentée lors de la soirée des projets de l'établissement."
        }
        "evenement-district" => "Une présentation est prévue au forum des initiatives du district.",
        "temps-festif" => "Un goûter réunit les participants et les familles à la fin de l'action.",
        "exposition" => "Les productions seront exposées pendant toute la semaine.",
        "temoignages-video" => {
            "Des élèves témoigneront dans de courtes capsules vidéo transmises au rectorat."
        }
        "reportage-photo" => {
            "Un reportage photo sera publié sur le site de l'établissement avec #PerseveranceScolaire."
        }
        _ => "",
    }
}

/// Who else takes part (« Autres personnes impliquées »).
pub const PEOPLE_INVOLVED: &[&str] = &[
    "L'équipe de vie scolaire",
    "Deux professeurs principaux et la CPE",
    "Le professeur documentaliste et une classe de 4e",
    "L'infirmière scolaire et le psychologue de l'Éducation nationale",
    "Les délégués de classe et leurs professeurs",
    "Le référent décrochage scolaire et deux assistants d'éducation",
    "L'équipe pédagogique de la classe",
    "Le groupe de prévention du décrochage scolaire (GPDS)",
];

/// What a coordinator writes when asking for changes.
pub const CHANGE_REQUESTS: &[&str] = &[
    "Merci de préciser les horaires et le lieu exact de l'action.",
    "Pouvez-vous indiquer les partenaires associés et leur rôle ?",
    "La description est très courte : décrivez le déroulement de la séance.",
    "Précisez le nombre d'élèves concernés et leurs classes.",
    "Indiquez comment l'action sera valorisée auprès des familles.",
];

/// What a coordinator writes when declining.
pub const DECLINES: &[&str] = &[
    "Action déjà déclarée par un collègue de l'établissement : nous gardons la première fiche.",
    "L'action s'adresse à un seul élève : elle relève du suivi individuel plutôt que du programme de la semaine.",
    "Cette action relève du fonctionnement ordinaire de l'établissement ; elle ne sera pas retenue pour le programme.",
];

/// What a coordinator sometimes writes when validating.
pub const VALIDATIONS: &[&str] = &[
    "",
    "",
    "Belle initiative, retenue pour le programme du district.",
    "Merci pour cette fiche très complète.",
    "Validée ; pensez à envoyer les photos au rectorat après la semaine.",
];

/// District actions, declared by a district's coordination.
pub const DISTRICT_ACTIONS: &[(&str, &str, &str)] = &[
    (
        "Forum des initiatives du district",
        "Les établissements du district présentent leurs actions de l'année aux équipes et aux partenaires.",
        "Chaque établissement tient un stand et présente une action marquante ; une table ronde réunit chefs d'établissement, référents décrochage et partenaires autour des gestes d'accrochage qui ont fait leurs preuves.",
    ),
    (
        "Comité de pilotage FOQUALE ouvert aux partenaires",
        "Le comité de pilotage du réseau FOQUALE présente le programme de la semaine aux partenaires du district.",
        "Le réseau formation qualification emploi présente le programme du district, les dispositifs de raccrochage et les places disponibles. Les partenaires (mission locale, associations, collectivités) présentent leurs propres actions.",
    ),
];
