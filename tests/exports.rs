//! The coordinators' coverage export (issue 8), on both engines: one line
//! per open school of the person's reach, with its declared, validated and
//! published actions, as CSV (BOM, `;`) and XLSX; refused to a school's
//! staff, narrowed to a district on request.

mod common;

use common::{
    Engine, TestApp, body,
    people::{self, ACADEMY, DISTRICT_A, STAFF_A},
};
use reqwest::StatusCode;

on_both_engines!(coordinators_export_the_coverage_per_school,);

async fn coordinators_export_the_coverage_per_school(engine: Engine) {
    let w = people::world(engine).await;
    let path = format!("/editions/{}/couverture/export", w.edition);

    // The district coordination: its district's schools only.
    let csv = w.who(DISTRICT_A).get(&path).await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(
        csv.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .ends_with(".csv\"")
    );
    let bytes = csv.bytes().await.unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "BOM");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some(
            "département;district;UAI;établissement;commune;actions déclarées;actions validées;actions publiées"
        )
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(';').collect()).collect();
    let school_a = rows
        .iter()
        .find(|r| r[2] == w.uai_a)
        .expect("school A is listed");
    let declared: i64 = school_a[5].parse().unwrap();
    let validated: i64 = school_a[6].parse().unwrap();
    assert!(declared >= 1 && validated >= 1, "{school_a:?}");
    assert!(
        rows.iter().any(|r| r[2] == w.uai_a2),
        "another school of district A"
    );
    assert!(
        !rows.iter().any(|r| r[2] == w.uai_b),
        "district B is not in the reach"
    );

    // The académie sees both districts, and may narrow to one.
    let all = body(w.who(ACADEMY).get(&path).await).await;
    assert!(all.contains(&w.uai_a) && all.contains(&w.uai_b));
    let narrowed = body(
        w.who(ACADEMY)
            .get(&format!("{path}?district={}", w.district_b))
            .await,
    )
    .await;
    assert!(narrowed.contains(&w.uai_b) && !narrowed.contains(&w.uai_a));

    // XLSX.
    let xlsx = w.who(ACADEMY).get(&format!("{path}?format=xlsx")).await;
    assert_eq!(xlsx.status(), StatusCode::OK);
    let xlsx = xlsx.bytes().await.unwrap();
    assert!(xlsx.starts_with(b"PK"));
    assert!(xlsx.windows(24).any(|w| w == b"xl/worksheets/sheet1.xml"));

    // A school's staff: 403.
    assert_eq!(
        w.who(STAFF_A).get(&path).await.status(),
        StatusCode::FORBIDDEN
    );
    let _ = TestApp::spawn;
}
