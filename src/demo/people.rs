//! The people of the demo story: a small staff roster for each school that
//! declares actions, and a coordinator for each district. Names are drawn
//! from fixed lists without repetition; addresses end in `@demo.test` (a
//! domain that cannot exist).

use crate::text::fold;

const FIRST_NAMES: [(&str, bool); 48] = [
    ("Camille", true),
    ("Nadia", true),
    ("Sophie", true),
    ("Amina", true),
    ("Claire", true),
    ("Isabelle", true),
    ("Fatou", true),
    ("Julie", true),
    ("Hélène", true),
    ("Léa", true),
    ("Sarah", true),
    ("Émilie", true),
    ("Aurélie", true),
    ("Myriam", true),
    ("Céline", true),
    ("Inès", true),
    ("Nathalie", true),
    ("Laure", true),
    ("Mélanie", true),
    ("Yasmina", true),
    ("Anne", true),
    ("Chloé", true),
    ("Agnès", true),
    ("Sandrine", true),
    ("Thomas", false),
    ("Karim", false),
    ("Julien", false),
    ("Mamadou", false),
    ("Nicolas", false),
    ("Olivier", false),
    ("Mehdi", false),
    ("Pierre", false),
    ("Antoine", false),
    ("Yann", false),
    ("Samir", false),
    ("Guillaume", false),
    ("Romain", false),
    ("David", false),
    ("Franck", false),
    ("Hugo", false),
    ("Benoît", false),
    ("Rachid", false),
    ("Vincent", false),
    ("Éric", false),
    ("Laurent", false),
    ("Jérôme", false),
    ("Stéphane", false),
    ("Moussa", false),
];

const LAST_NAMES: [&str; 60] = [
    "Martin",
    "Bernard",
    "Benali",
    "Dubois",
    "Diallo",
    "Lefèvre",
    "Moreau",
    "Haddad",
    "Girard",
    "Nguyen",
    "Rousseau",
    "Traoré",
    "Fontaine",
    "Mercier",
    "Boucher",
    "Lemaire",
    "Cissé",
    "Garnier",
    "Chevalier",
    "Perrin",
    "Morel",
    "Lambert",
    "Bonnet",
    "Faure",
    "Mendy",
    "Roussel",
    "Leclerc",
    "Gauthier",
    "Meunier",
    "Brunet",
    "Ferreira",
    "Blanc",
    "Guérin",
    "Muller",
    "Henry",
    "Roux",
    "Colin",
    "Vidal",
    "Caron",
    "Picard",
    "Renaud",
    "Aubert",
    "Lemoine",
    "Marchand",
    "Duval",
    "Dumont",
    "Barbier",
    "Lucas",
    "Hamel",
    "Lecomte",
    "Hébert",
    "Jacquet",
    "Le Goff",
    "Besnard",
    "Lebrun",
    "Marie",
    "Lecoq",
    "Toure",
    "Kone",
    "Ouédraogo",
];

/// A person of the story.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    pub first: &'static str,
    pub last: &'static str,
    pub feminine: bool,
}

impl Person {
    /// The `n`-th person of the story: distinct for every `n` below
    /// 48 × 60, spread over the lists (a multiplicative permutation).
    pub fn nth(n: usize) -> Person {
        let count = FIRST_NAMES.len() * LAST_NAMES.len();
        let q = (n % count) * 1_723 % count;
        let (first, feminine) = FIRST_NAMES[q % FIRST_NAMES.len()];
        Person {
            first,
            last: LAST_NAMES[q / FIRST_NAMES.len()],
            feminine,
        }
    }

    /// « Camille Martin »
    pub fn name(&self) -> String {
        format!("{} {}", self.first, self.last)
    }

    /// `camille.martin@demo.test`
    pub fn email(&self) -> String {
        let local: String = format!("{}.{}", fold(self.first), fold(self.last))
            .chars()
            .map(|c| if c == ' ' { '-' } else { c })
            .collect();
        format!("{local}@demo.test")
    }

    /// The feminine or masculine form of a job title.
    pub fn title(&self, (feminine, masculine): (&'static str, &'static str)) -> &'static str {
        if self.feminine { feminine } else { masculine }
    }
}

/// Job titles of the people who carry actions, by school kind.
pub const STAFF_ROLES: [(&str, &str); 12] = [
    (
        "Conseillère principale d'éducation",
        "Conseiller principal d'éducation",
    ),
    ("Professeure de lettres", "Professeur de lettres"),
    ("Professeure documentaliste", "Professeur documentaliste"),
    ("Professeure principale", "Professeur principal"),
    (
        "Psychologue de l'Éducation nationale",
        "Psychologue de l'Éducation nationale",
    ),
    ("Infirmière scolaire", "Infirmier scolaire"),
    ("Professeure d'EPS", "Professeur d'EPS"),
    (
        "Professeure d'arts plastiques",
        "Professeur d'arts plastiques",
    ),
    (
        "Professeure de mathématiques",
        "Professeur de mathématiques",
    ),
    (
        "Professeure d'histoire-géographie",
        "Professeur d'histoire-géographie",
    ),
    ("Assistante d'éducation", "Assistant d'éducation"),
    ("Professeure d'anglais", "Professeur d'anglais"),
];

pub const REFERENT_ROLE: (&str, &str) = (
    "Référente décrochage scolaire",
    "Référent décrochage scolaire",
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_are_distinct_and_addressable() {
        let mut emails = std::collections::HashSet::new();
        for n in 0..1_500 {
            let person = Person::nth(n);
            let email = person.email();
            assert!(crate::domain::Email::parse(&email).is_ok(), "{email}");
            assert!(emails.insert(email), "{n}: {person:?}");
        }
        assert_eq!(Person::nth(0).email(), "camille.martin@demo.test");
        assert_eq!(
            Person::nth(0).title(REFERENT_ROLE),
            "Référente décrochage scolaire"
        );
    }
}
