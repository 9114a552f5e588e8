//! The Annuaire and district imports on real-world files: establishments on
//! several lines, files re-saved by a spreadsheet, messages that name the
//! formats they accept, and lines that would move a department. Each test
//! runs on both engines; the department command is also run as a program.

mod common;

use common::{Engine, fresh_db};
use perseverance::{
    auth::store as auth_store,
    db::Db,
    domain::{Email, Grant, Role, Scope, codes},
    map::{annuaire, import, store as map_store},
};

on_both_engines!(
    establishments_on_several_lines_are_one_school,
    codes_that_lose_their_leading_zeros,
    messages_and_parsers_agree,
    an_import_never_moves_a_higher_level_object,
);

async fn import_bytes(db: &Db, bytes: &[u8]) -> import::ImportReport {
    let parsed = annuaire::parse(bytes, || {}).expect("the file reads");
    import::apply(db, parsed, &Default::default())
        .await
        .expect("the import runs")
}

/// Created, updated, unchanged, grouped lines, rejected lines.
fn counts(report: &import::ImportReport) -> (u64, u64, u64, u64, Vec<u64>) {
    (
        report.created,
        report.updated,
        report.unchanged,
        report.merged_lines,
        report.rejected.iter().map(|r| r.line).collect(),
    )
}

/// A department's code and its académie's code, for every department.
async fn departments(db: &Db) -> Vec<(String, String)> {
    let mut pooled = db.acquire().await.unwrap();
    let conn = &mut pooled.conn();
    let mut all = Vec::new();
    for academy in map_store::academies(conn).await.unwrap() {
        for department in map_store::departments(conn, academy.id).await.unwrap() {
            all.push((department.code, academy.code.clone()));
        }
    }
    all.sort();
    all
}

/// Encodes the text as Windows-1252 (the characters these files use).
fn windows_1252(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '’' => 0x92,
            c if (c as u32) < 0x100 => c as u8,
            c => panic!("{c} is not in this test's Windows-1252 subset"),
        })
        .collect()
}

const MULTI_LINE: &str = "identifiant_de_l_etablissement;nom_etablissement;type_etablissement;statut_public_prive;adresse_1;code_postal;nom_commune;code_departement;libelle_departement;code_academie;libelle_academie;latitude;longitude;etat;voie_generale;voie_technologique;voie_professionnelle;etablissement_multi_lignes
0930001W;Lycée Saint-Joseph - annexe;Lycée;Privé;3 rue de la Gare;93140;Bondy;093;Seine-Saint-Denis;24;Créteil;48.90;2.48;OUVERT;0;0;1;1
0930001W;Lycée Saint-Joseph;Lycée;Privé;12 avenue de Paris;93100;Montreuil;093;Seine-Saint-Denis;24;Créteil;48.86;2.44;OUVERT;1;1;0;1
0930200M;Collège Jean Moulin;Collège;Public;1 place de la Mairie;93200;Saint-Denis;093;Seine-Saint-Denis;24;Créteil;;;OUVERT;;;;0
0930200M;Collège Jean Moulin;Collège;Public;1 place de la Mairie;93200;Saint-Denis;093;Seine-Saint-Denis;24;Créteil;;;OUVERT;;;;0
";

async fn establishments_on_several_lines_are_one_school(engine: Engine) {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = fresh_db(engine, &dir).await;
    let first = import_bytes(&db, MULTI_LINE.as_bytes()).await;
    assert_eq!(
        counts(&first),
        (2, 0, 0, 1, vec![5]),
        "{:?}",
        first.rejected
    );
    // The unmarked duplicate is rejected naming both lines.
    let reason = &first.rejected[0].reason;
    assert!(
        reason.contains("0930200M") && reason.contains("ligne 4"),
        "{reason}"
    );
    let lycee = map_store::school_by_uai(&mut db.acquire().await.unwrap().conn(), "0930001W")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        lycee.name, "Lycée Saint-Joseph",
        "the line that is not an annex"
    );
    assert_eq!(
        (lycee.commune.as_str(), lycee.postal_code.as_str()),
        ("Montreuil", "93100")
    );
    assert_eq!(lycee.latitude, Some(48.86));
    assert_eq!(lycee.kind, "lycee", "general and vocational parts: a lycée");
    assert_eq!(lycee.sector, "prive");

    let again = import_bytes(&db, MULTI_LINE.as_bytes()).await;
    assert_eq!(
        counts(&again),
        (0, 0, 2, 1, vec![5]),
        "every school unchanged"
    );

    // The same lines in another order make the same school.
    let mut lines: Vec<&str> = MULTI_LINE.lines().collect();
    lines.swap(1, 2);
    let swapped = import_bytes(&db, (lines.join("\n") + "\n").as_bytes()).await;
    assert_eq!(counts(&swapped), (0, 0, 2, 1, vec![5]));
}

const AIN: &str = "\u{feff}identifiant_de_l_etablissement;nom_etablissement;type_etablissement;statut_public_prive;code_postal;nom_commune;code_departement;libelle_departement;code_academie;libelle_academie;code_bassin_formation;libelle_bassin_formation;latitude;longitude;etat
0010001W;Collège Lumière;Collège;Public;01000;Bourg-en-Bresse;001;Ain;10;Lyon;10001;Bassin de Bourg;46.2052;5.2255;OUVERT
0010002X;Lycée Quinet;Lycée;Public;01000;Bourg-en-Bresse;001;Ain;10;Lyon;10001;Bassin de Bourg;46.2;5.22;OUVERT
0010003Y;Collège de l’Ain;Collège;Privé;01100;Oyonnax;001;Ain;10;Lyon;;;46.25;5.65;OUVERT
";

/// The Ain file as French Excel saves it: Windows-1252, CRLF, codes without
/// their leading zeros, decimal commas, rows of separators at the end.
fn ain_as_excel_saves_it() -> Vec<u8> {
    let text = AIN
        .trim_start_matches('\u{feff}')
        .replace(";01000;", ";1000;")
        .replace(";01100;", ";1100;")
        .replace(";001;", ";1;")
        .replace("46.2052;5.2255", "46,2052;5,2255")
        .replace("46.2;5.22", "46,2;5,22")
        .replace("46.25;5.65", "46,25;5,65")
        .replace('\n', "\r\n")
        + ";;;;;;;;;;;;;;\r\n;;;;;;;;;;;;;;\r\n";
    windows_1252(&text)
}

async fn codes_that_lose_their_leading_zeros(engine: Engine) {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = fresh_db(engine, &dir).await;
    let first = import_bytes(&db, AIN.as_bytes()).await;
    assert_eq!(counts(&first), (3, 0, 0, 0, vec![]), "{:?}", first.rejected);
    let excel = import_bytes(&db, &ain_as_excel_saves_it()).await;
    assert_eq!(counts(&excel), (0, 0, 3, 0, vec![]), "{:?}", excel.rejected);
    assert_eq!(
        departments(&db).await,
        [("01".to_string(), "10".to_string())],
        "no second department"
    );
    let school = map_store::school_by_uai(&mut db.acquire().await.unwrap().conn(), "0010003Y")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(school.postal_code, "01100");
    assert_eq!(school.name, "Collège de l’Ain");
    assert_eq!(
        map_store::department_by_code(&mut db.acquire().await.unwrap().conn(), "01")
            .await
            .unwrap()
            .unwrap()
            .id,
        school.department_id
    );

    // The district file, saved by Excel too: codes without zeros, lower-case
    // UAI, Windows-1252, CRLF.
    let districts = windows_1252(
        "UAI;District;Code_departement\r\n0010001w;Réseau de Bourg;1\r\n0010002X;Réseau de Bourg;001\r\n0010003Y;Réseau d’Oyonnax;01\r\n;;\r\n",
    );
    let report = import::import_districts(&db, &districts).await.unwrap();
    assert_eq!(
        (report.updated, report.unchanged, report.rejected.len()),
        (3, 0, 0),
        "{:?}",
        report.rejected
    );
    let school = map_store::school_by_uai(&mut db.acquire().await.unwrap().conn(), "0010003Y")
        .await
        .unwrap()
        .unwrap();
    let district = map_store::district_by_id(
        &mut db.acquire().await.unwrap().conn(),
        school.district_id.unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(district.name, "Réseau d’Oyonnax");
    let again = import::import_districts(&db, &districts).await.unwrap();
    assert_eq!((again.updated, again.unchanged), (0, 3));
}

/// The texts between « and » in a message.
fn quoted(message: &str) -> Vec<String> {
    message
        .split('«')
        .skip(1)
        .filter_map(|p| {
            p.split_once('»')
                .map(|(inside, _)| inside.trim().to_string())
        })
        .collect()
}

async fn messages_and_parsers_agree(engine: Engine) {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = fresh_db(engine, &dir).await;
    import_bytes(&db, AIN.as_bytes()).await;

    // A district file without its columns: every header the message names works.
    let error = import::import_districts(&db, b"etablissement;reseau_local\n0010001W;Bourg\n")
        .await
        .unwrap_err()
        .to_string();
    let named = quoted(&error);
    assert!(
        named.contains(&"uai".to_string()) && named.contains(&"district".to_string()),
        "{error}"
    );
    let uai_headers = [
        "uai",
        "identifiant_de_l_etablissement",
        "code_uai",
        "numero_uai",
    ];
    let district_headers: Vec<&String> = named
        .iter()
        .filter(|n| !uai_headers.contains(&n.as_str()))
        .collect();
    for header in &named {
        let file = if uai_headers.contains(&header.as_str()) {
            format!("{header};district\n0010001W;Réseau de Bourg\n")
        } else {
            format!("uai;{header}\n0010001W;Réseau de Bourg\n")
        };
        let report = import::import_districts(&db, file.as_bytes())
            .await
            .unwrap_or_else(|e| panic!("« {header} » named by « {error} »: {e}"));
        assert!(
            report.rejected.is_empty(),
            "{header}: {:?}",
            report.rejected
        );
    }
    assert!(!district_headers.is_empty());

    // A wrong department code: each form the message names is read.
    let file = "uai;district;code_departement\n0010001W;Réseau de Bourg;A1\n";
    let report = import::import_districts(&db, file.as_bytes())
        .await
        .unwrap();
    let reason = &report.rejected[0].reason;
    assert_eq!(report.rejected[0].line, 2);
    let examples = codes::quoted_examples(reason);
    assert!(examples.contains(&"001"), "{reason}");
    for example in examples {
        let parsed = codes::department_code(example);
        assert!(parsed.is_ok(), "« {example} » named by « {reason} »");
    }
    for ain in ["1", "01", "001"] {
        let file = format!("uai;district;code_departement\n0010001W;Réseau de Bourg;{ain}\n");
        let report = import::import_districts(&db, file.as_bytes())
            .await
            .unwrap();
        assert!(report.rejected.is_empty(), "{ain}: {:?}", report.rejected);
    }

    // The UAI message names its shape (8 characters, 7 digits and a letter,
    // any case): a lower-case letter is read.
    let file = "uai;district\n001000W;Réseau\n0010001w;Réseau de Bourg\n";
    let report = import::import_districts(&db, file.as_bytes())
        .await
        .unwrap();
    assert_eq!(
        report.rejected.iter().map(|r| r.line).collect::<Vec<_>>(),
        [2]
    );
    assert!(
        report.rejected[0]
            .reason
            .contains("7 chiffres et une lettre"),
        "{:?}",
        report.rejected
    );

    // The académie filter takes the code as the help names it (24 or 024).
    for code in ["10", "010"] {
        let parsed = annuaire::parse(AIN.as_bytes(), || {}).unwrap();
        let options = import::ImportOptions {
            academy_code: Some(code.into()),
            include_closed: false,
        };
        let report = import::apply(&db, parsed, &options).await.unwrap();
        assert_eq!(
            (report.unchanged, report.skipped_other_academy),
            (3, 0),
            "{code}"
        );
    }
}

const CRETEIL: &str = "identifiant_de_l_etablissement;nom_etablissement;type_etablissement;code_postal;nom_commune;code_departement;libelle_departement;code_academie;libelle_academie;etat
0930200M;Collège Jules Ferry;Collège;93200;Saint-Denis;093;Seine-Saint-Denis;24;Créteil;OUVERT
0930001W;Lycée Paul Éluard;Lycée;93200;Saint-Denis;093;Seine-Saint-Denis;24;Créteil;OUVERT
0940001R;Lycée Robert Doisneau;Lycée;94000;Créteil;094;Val-de-Marne;24;Créteil;OUVERT
0780001C;Lycée de Versailles;Lycée;78000;Versailles;078;Yvelines;25;Versailles;OUVERT
";

async fn an_import_never_moves_a_higher_level_object(engine: Engine) {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = fresh_db(engine, &dir).await;
    let first = import_bytes(&db, CRETEIL.as_bytes()).await;
    assert_eq!(counts(&first), (4, 0, 0, 0, vec![]), "{:?}", first.rejected);
    let college = map_store::school_by_uai(&mut db.acquire().await.unwrap().conn(), "0930200M")
        .await
        .unwrap()
        .unwrap();
    let creteil = college.academy_id;
    let mut tx = db.begin().await.unwrap();
    let district = map_store::ensure_district(&mut tx.conn(), college.department_id, "Saint-Denis")
        .await
        .unwrap();
    map_store::set_school_district(&mut tx.conn(), college.id, Some(district))
        .await
        .unwrap();
    let user = auth_store::ensure_user(
        &mut tx.conn(),
        &Email::parse("coord@ac-creteil.fr").unwrap(),
        "",
    )
    .await
    .unwrap();
    let grant = Grant::new(Role::DistrictCoordinator, Scope::District(district)).unwrap();
    auth_store::add_grant(&mut tx.conn(), user, grant, None)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    // One row of department 093 marked académie 25, among good rows.
    let inconsistent = CRETEIL
        .replace(
            "0930001W;Lycée Paul Éluard;Lycée;93200;Saint-Denis;093;Seine-Saint-Denis;24;Créteil",
            "0930001W;Lycée Paul Éluard;Lycée;93200;Saint-Denis;093;Seine-Saint-Denis;25;Versailles",
        )
        .replace("Collège Jules Ferry", "Collège Jules-Ferry");
    let report = import_bytes(&db, inconsistent.as_bytes()).await;
    assert_eq!(
        counts(&report),
        (0, 1, 2, 0, vec![3]),
        "{:?}",
        report.rejected
    );
    let reason = &report.rejected[0].reason;
    assert!(
        reason.contains("0930001W")
            && reason.contains("département 93")
            && reason.contains("perseverance department move 93 --academie 25"),
        "{reason}"
    );
    assert!(
        departments(&db)
            .await
            .contains(&("93".to_string(), "24".to_string())),
        "the department stays in Créteil"
    );
    let college = map_store::school_by_uai(&mut db.acquire().await.unwrap().conn(), "0930200M")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        college.name, "Collège Jules-Ferry",
        "good rows still import"
    );
    assert_eq!(college.academy_id, creteil);
    assert_eq!(college.district_id, Some(district));
    let lycee = map_store::school_by_uai(&mut db.acquire().await.unwrap().conn(), "0930001W")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        lycee.academy_id, creteil,
        "the rejected row changed nothing"
    );
    let rows = auth_store::grants_of(&mut db.acquire().await.unwrap().conn(), user)
        .await
        .unwrap();
    assert_eq!(rows[0].placement().academy, creteil);

    // A new department named by a file joins the académie of its first row;
    // a later row placing it elsewhere is rejected too.
    let new_department = "uai;nom;code_departement;code_academie\n\
                          0770001H;Collège A;77;24\n\
                          0770002J;Collège B;077;25\n";
    let report = import_bytes(&db, new_department.as_bytes()).await;
    assert_eq!(
        counts(&report),
        (1, 0, 0, 0, vec![3]),
        "{:?}",
        report.rejected
    );

    // A school whose own row moves it to another department of the académie
    // follows its row, and leaves its district of the old department.
    let moved = CRETEIL.replace(
        "0930200M;Collège Jules Ferry;Collège;93200;Saint-Denis;093;Seine-Saint-Denis",
        "0930200M;Collège Jules-Ferry;Collège;94000;Créteil;094;Val-de-Marne",
    );
    let report = import_bytes(&db, moved.as_bytes()).await;
    assert_eq!(
        counts(&report),
        (0, 1, 3, 0, vec![]),
        "{:?}",
        report.rejected
    );
    let college = map_store::school_by_uai(&mut db.acquire().await.unwrap().conn(), "0930200M")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(college.district_id, None);
    assert_ne!(college.department_id, lycee.department_id);

    // Moving the department is the explicit command's work.
    let versailles = map_store::school_by_uai(&mut db.acquire().await.unwrap().conn(), "0780001C")
        .await
        .unwrap()
        .unwrap()
        .academy_id;
    let mut tx = db.begin().await.unwrap();
    let moved = map_store::move_department(&mut tx.conn(), lycee.department_id, versailles)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        (moved.schools, moved.districts, moved.grants),
        (1, 1, 1),
        "{moved:?}"
    );
    let lycee = map_store::school_by_uai(&mut db.acquire().await.unwrap().conn(), "0930001W")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(lycee.academy_id, versailles);
    let rows = auth_store::grants_of(&mut db.acquire().await.unwrap().conn(), user)
        .await
        .unwrap();
    assert_eq!(rows[0].placement().academy, versailles, "the grant follows");
    // Now the rows of 093 marked académie 25 import, and those marked 24 are
    // the ones rejected.
    let report = import_bytes(&db, inconsistent.as_bytes()).await;
    assert_eq!(
        report.rejected.iter().map(|r| r.line).collect::<Vec<_>>(),
        [2]
    );
    let all_25 = inconsistent.replace(
        ";093;Seine-Saint-Denis;24;Créteil",
        ";093;Seine-Saint-Denis;25;Versailles",
    );
    let report = import_bytes(&db, all_25.as_bytes()).await;
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
}

/// Runs the `perseverance` program on a SQLite database in `dir`: whether it
/// succeeded, and what it wrote.
fn run_program(dir: &tempfile::TempDir, args: &[&str]) -> (bool, String) {
    let url = format!("sqlite://{}", dir.path().join("cli.db").display());
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_perseverance"))
        .args(args)
        .env("DATABASE_URL", &url)
        .env("PERSEVERANCE_OUTBOX_DIR", dir.path().join("outbox"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout).to_string()
        + &String::from_utf8_lossy(&output.stderr);
    (output.status.success(), text)
}

/// `perseverance department move` run as a program, on SQLite.
#[test]
fn department_move_is_an_explicit_command() {
    let dir = tempfile::tempdir().unwrap();
    let annuaire = dir.path().join("annuaire.csv");
    std::fs::write(&annuaire, CRETEIL).unwrap();
    let run = |args: &[&str]| run_program(&dir, args);
    let (ok, out) = run(&["import-schools", annuaire.to_str().unwrap()]);
    assert!(ok, "{out}");
    let (ok, out) = run(&["department", "move", "093", "--academie", "025"]);
    assert!(ok, "{out}");
    assert!(
        out.contains("Département 93 (Seine-Saint-Denis) rattaché à l'académie 25 (Versailles)")
            && out.contains("2 établissement(s)"),
        "{out}"
    );
    let (ok, out) = run(&["department", "list"]);
    assert!(
        ok && out.contains("93\tSeine-Saint-Denis\t25\tVersailles"),
        "{out}"
    );
    let (ok, out) = run(&["department", "move", "93", "--academie", "99"]);
    assert!(!ok && out.contains("académie 99 inconnue"), "{out}");
}

/// `perseverance import-schools` run as a program, on SQLite.
#[test]
fn import_schools_reports_grouped_lines_and_states_its_rules() {
    let dir = tempfile::tempdir().unwrap();
    let annuaire = dir.path().join("annuaire.csv");
    std::fs::write(&annuaire, MULTI_LINE).unwrap();
    let run = |args: &[&str]| run_program(&dir, args);
    let (ok, out) = run(&["import-schools", annuaire.to_str().unwrap()]);
    assert!(ok, "{out}");
    assert!(
        out.contains("Lignes d'un même établissement regroupées : 1"),
        "{out}"
    );
    let (ok, out) = run(&["import-schools", "--help"]);
    assert!(
        ok && out.contains("fr-en-annuaire-education")
            && out.contains("ne contient pas le mot « annexe », sinon de la première ligne")
            && out.contains("perseverance department move"),
        "{out}"
    );
}
