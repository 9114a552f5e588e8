//! The permission matrix: every route of the router, asked by every kind of
//! person, with the answer the access policy (`src/domain/policy.rs`) gives:
//! 200, a redirect to sign-in, 403 with a reason, 404 for an object out of
//! sight, or the form's own answer once access is granted (422, 409, 303).
//!
//! A route added to the router without a row here fails
//! `every_route_has_a_row`. The matrix is printed (`--nocapture`) and
//! written to `docs/permissions.md`: the SQLite run compares the document
//! with what it saw, and rewrites it when `PERSEVERANCE_BLESS=1`.
//!
//! The world (tests/common/people.rs) is built over HTTP; POSTs are sent so
//! that, once access is granted, they change nothing that a later row needs
//! (a stale version, an empty form), or act on an object of their own (one
//! spare question, school and grant per person).

mod common;

use std::{collections::BTreeSet, fmt::Write as _, path::Path};

use common::{
    Engine, body,
    people::{self, PEOPLE, World},
};
use reqwest::StatusCode;

on_both_engines!(every_route_answers_each_person_as_the_policy_says);

/// Where a row sends its request, and with what.
type PathFn = fn(&World, usize) -> String;
type FormFn = fn(&World, usize) -> Vec<(&'static str, String)>;

/// One row: a route (as the router spells it), the object it is asked
/// about, and the answer expected for each person of [`PEOPLE`], in order:
/// a status, `S` for the redirect to sign-in, `403` (with a French reason).
struct Row {
    method: &'static str,
    route: &'static str,
    object: &'static str,
    path: PathFn,
    form: FormFn,
    expect: &'static str,
    /// Sent as `multipart/form-data` (a form with a file field).
    multipart: bool,
}

fn no_form(_: &World, _: usize) -> Vec<(&'static str, String)> {
    Vec::new()
}

fn get(route: &'static str, object: &'static str, path: PathFn, expect: &'static str) -> Row {
    Row {
        method: "GET",
        route,
        object,
        path,
        form: no_form,
        expect,
        multipart: false,
    }
}

fn post(
    route: &'static str,
    object: &'static str,
    path: PathFn,
    form: FormFn,
    expect: &'static str,
) -> Row {
    Row {
        method: "POST",
        route,
        object,
        path,
        form,
        expect,
        multipart: false,
    }
}

/// A POST of a form with a file field (`multipart/form-data`).
fn upload(
    route: &'static str,
    object: &'static str,
    path: PathFn,
    form: FormFn,
    expect: &'static str,
) -> Row {
    Row {
        multipart: true,
        ..post(route, object, path, form, expect)
    }
}

//                       anon staff head ref staffB distA distB DSDEN acad acad2 admin
const EVERYONE_200: &str = "200 200 200 200 200 200 200 200 200 200 200";
const SIGNED_IN_200: &str = "S 200 200 200 200 200 200 200 200 200 200";
const ACADEMY_MEMBERS: &str = "S 200 200 200 200 200 200 200 200 404 200";
const COORDINATION_ONLY: &str = "S 403 403 403 403 403 403 403 200 404 200";
const FOLLOWERS: &str = "S 403 403 403 403 200 200 200 200 404 200";
/// A district A object: its coordination, the DSDEN, the académie and the
/// admin follow it; school A's staff see the district but not this (403);
/// others do not see it (404).
const PROGRAMME_FOLLOWERS: &str = "S 403 403 403 404 200 404 200 200 404 200";
/// The same, posting an empty form: composers get the form back (422), the
/// DSDEN (who only reads) a 403.
const PROGRAMME_COMPOSERS_422: &str = "S 403 403 403 404 422 404 403 422 404 422";
const NOBODY_404: &str = "404 404 404 404 404 404 404 404 404 404 404";

/// The matrix. Rows of the same route name different objects.
fn rows() -> Vec<Row> {
    vec![
        // Public pages and signing in.
        get("/", "accueil", |_, _| "/".into(), EVERYONE_200),
        get("/healthz", "santé", |_, _| "/healthz".into(), EVERYONE_200),
        get(
            "/static/app.css",
            "feuille de style",
            |_, _| "/static/app.css".into(),
            EVERYONE_200,
        ),
        get(
            "/static/carte.js",
            "script de la carte",
            |_, _| "/static/carte.js".into(),
            EVERYONE_200,
        ),
        get(
            "/static/carte/france.geojson",
            "fond de carte (contour de la France)",
            |_, _| "/static/carte/france.geojson".into(),
            EVERYONE_200,
        ),
        get(
            "/connexion",
            "connexion",
            |_, _| "/connexion".into(),
            EVERYONE_200,
        ),
        post(
            "/connexion",
            "adresse invalide",
            |_, _| "/connexion".into(),
            |_, _| vec![("email", "pas-une-adresse".into())],
            "422 422 422 422 422 422 422 422 422 422 422",
        ),
        get(
            "/connexion/lien",
            "lien sans jeton",
            |_, _| "/connexion/lien".into(),
            "410 410 410 410 410 410 410 410 410 410 410",
        ),
        post(
            "/connexion/lien",
            "jeton inconnu",
            |_, _| "/connexion/lien".into(),
            |_, _| vec![("jeton", "perime".into())],
            "410 410 410 410 410 410 410 410 410 410 410",
        ),
        // No OpenID provider in this world: its routes do not exist (tests/oidc.rs
        // drives them against a real provider).
        post(
            "/connexion/oidc",
            "sans fournisseur configuré",
            |_, _| "/connexion/oidc".into(),
            no_form,
            "404 404 404 404 404 404 404 404 404 404 404",
        ),
        get(
            "/connexion/oidc/retour",
            "sans fournisseur configuré",
            |_, _| "/connexion/oidc/retour?code=x&state=y".into(),
            "404 404 404 404 404 404 404 404 404 404 404",
        ),
        post(
            "/connexion/demo",
            "compte hors démo",
            |_, _| "/connexion/demo".into(),
            |_, _| vec![("email", "inconnu@demo.test".into())],
            "404 404 404 404 404 404 404 404 404 404 404",
        ),
        // One's own space.
        get(
            "/mon-espace",
            "",
            |_, _| "/mon-espace".into(),
            SIGNED_IN_200,
        ),
        get(
            "/mes-actions",
            "",
            |_, _| "/mes-actions".into(),
            SIGNED_IN_200,
        ),
        // Roles and académies.
        get(
            "/acces",
            "",
            |_, _| "/acces".into(),
            "S 403 200 403 403 200 200 403 200 200 200",
        ),
        post(
            "/acces",
            "formulaire vide",
            |_, _| "/acces".into(),
            |_, _| vec![("email", String::new()), ("role", String::new())],
            "S 403 422 403 403 422 422 403 422 422 422",
        ),
        post(
            "/acces/{id}/retirer",
            "rôle de personnel en A",
            |w, p| format!("/acces/{}/retirer", w.spare_grants[p]),
            no_form,
            "S 403 303 403 403 303 404 403 303 404 303",
        ),
        get(
            "/admin/academies",
            "",
            |_, _| "/admin/academies".into(),
            "S 404 404 404 404 404 404 404 404 404 200",
        ),
        post(
            "/admin/academies",
            "formulaire vide",
            |_, _| "/admin/academies".into(),
            no_form,
            "S 404 404 404 404 404 404 404 404 404 422",
        ),
        post(
            "/a/{slug}/parametres",
            "Créteil, domaine invalide",
            |_, _| "/a/creteil/parametres".into(),
            |_, _| vec![("domains", "pas un domaine".into())],
            "S 403 403 403 403 403 403 403 422 404 422",
        ),
        // The map.
        get(
            "/a/{slug}",
            "Créteil",
            |_, _| "/a/creteil".into(),
            ACADEMY_MEMBERS,
        ),
        get(
            "/a/{slug}/etablissements",
            "Créteil",
            |_, _| "/a/creteil/etablissements".into(),
            FOLLOWERS,
        ),
        post(
            "/a/{slug}/districts",
            "Créteil, nom vide",
            |_, _| "/a/creteil/districts".into(),
            |_, _| vec![("name", String::new()), ("department", "93".into())],
            "S 403 403 403 403 403 403 403 422 404 422",
        ),
        get(
            "/etablissements/{uai}",
            "établissement A",
            |w, _| format!("/etablissements/{}", w.uai_a),
            "S 200 200 200 404 200 404 200 200 404 200",
        ),
        get(
            "/districts/{id}",
            "district A",
            |w, _| format!("/districts/{}", w.district_a),
            "S 200 200 200 404 200 404 200 200 404 200",
        ),
        post(
            "/districts/{id}/etablissements",
            "district A, un de ses établissements",
            |w, _| format!("/districts/{}/etablissements", w.district_a),
            |w, _| vec![("uai", w.uai_a2.clone())],
            "S 403 403 403 404 303 404 403 303 404 303",
        ),
        post(
            "/districts/{id}/detacher",
            "district A, un de ses établissements",
            |w, _| format!("/districts/{}/detacher", w.district_a),
            |w, p| vec![("uai", w.spare_schools[p].clone())],
            "S 403 403 403 404 303 404 403 303 404 303",
        ),
        // Editions.
        get(
            "/a/{slug}/editions",
            "Créteil",
            |_, _| "/a/creteil/editions".into(),
            ACADEMY_MEMBERS,
        ),
        post(
            "/a/{slug}/editions",
            "Créteil, formulaire vide",
            |_, _| "/a/creteil/editions".into(),
            no_form,
            "S 403 403 403 403 403 403 403 422 404 422",
        ),
        get(
            "/editions/{id}",
            "édition ouverte",
            |w, _| format!("/editions/{}", w.edition),
            ACADEMY_MEMBERS,
        ),
        get(
            "/editions/{id}",
            "édition en préparation",
            |w, _| format!("/editions/{}", w.draft_edition),
            "S 404 404 404 404 404 404 404 200 404 200",
        ),
        get(
            "/editions/{id}/modifier",
            "édition ouverte",
            |w, _| format!("/editions/{}/modifier", w.edition),
            COORDINATION_ONLY,
        ),
        post(
            "/editions/{id}/modifier",
            "édition ouverte, formulaire vide",
            |w, _| format!("/editions/{}/modifier", w.edition),
            no_form,
            "S 403 403 403 403 403 403 403 422 404 422",
        ),
        post(
            "/editions/{id}/etat",
            "édition ouverte, état périmé",
            |w, _| format!("/editions/{}/etat", w.edition),
            |_, _| vec![("state", "closed".into()), ("from", "bilans".into())],
            "S 403 403 403 403 403 403 403 409 404 409",
        ),
        post(
            "/editions/{id}/cloner",
            "édition ouverte (la suivante existe)",
            |w, _| format!("/editions/{}/cloner", w.edition),
            no_form,
            "S 403 403 403 403 403 403 403 409 404 409",
        ),
        post(
            "/editions/{id}/delai",
            "édition ouverte, date vide",
            |w, _| format!("/editions/{}/delai", w.edition),
            |_, _| vec![("until_date", String::new())],
            "S 403 403 403 403 403 403 403 422 404 422",
        ),
        get(
            "/editions/{id}/questions",
            "édition ouverte",
            |w, _| format!("/editions/{}/questions", w.edition),
            COORDINATION_ONLY,
        ),
        post(
            "/editions/{id}/questions",
            "édition ouverte, intitulé vide",
            |w, _| format!("/editions/{}/questions", w.edition),
            |_, _| vec![("kind", "short_text".into()), ("label", String::new())],
            "S 403 403 403 403 403 403 403 422 404 422",
        ),
        get(
            "/editions/{id}/questions/{question}/modifier",
            "question",
            |w, _| format!("/editions/{}/questions/{}/modifier", w.edition, w.question),
            COORDINATION_ONLY,
        ),
        post(
            "/editions/{id}/questions/{question}/modifier",
            "question, intitulé vide",
            |w, _| format!("/editions/{}/questions/{}/modifier", w.edition, w.question),
            |_, _| vec![("kind", "short_text".into()), ("label", String::new())],
            "S 403 403 403 403 403 403 403 422 404 422",
        ),
        post(
            "/editions/{id}/questions/{question}/supprimer",
            "question",
            |w, p| {
                format!(
                    "/editions/{}/questions/{}/supprimer",
                    w.edition, w.spare_questions[p]
                )
            },
            no_form,
            "S 403 403 403 403 403 403 403 303 404 303",
        ),
        post(
            "/editions/{id}/questions/{question}/monter",
            "question",
            |w, _| format!("/editions/{}/questions/{}/monter", w.edition, w.question),
            no_form,
            "S 403 403 403 403 403 403 403 303 404 303",
        ),
        post(
            "/editions/{id}/questions/{question}/descendre",
            "question",
            |w, _| format!("/editions/{}/questions/{}/descendre", w.edition, w.question),
            no_form,
            "S 403 403 403 403 403 403 403 303 404 303",
        ),
        // Declaring and deciding.
        get(
            "/editions/{id}/actions/nouvelle",
            "édition ouverte",
            |w, _| format!("/editions/{}/actions/nouvelle", w.edition),
            "S 200 200 200 200 200 200 403 403 404 403",
        ),
        post(
            "/editions/{id}/actions",
            "édition ouverte, lieu inconnu",
            |w, _| format!("/editions/{}/actions", w.edition),
            |_, _| vec![("place", "nulle-part".into())],
            "S 422 422 422 422 422 422 403 403 404 403",
        ),
        get(
            "/actions/{id}",
            "action soumise en A",
            |w, _| format!("/actions/{}", w.submitted_action),
            "S 200 200 200 404 200 404 200 200 404 200",
        ),
        get(
            "/actions/{id}",
            "brouillon en A",
            |w, _| format!("/actions/{}", w.draft_action),
            "S 200 200 404 404 404 404 404 404 404 404",
        ),
        get(
            "/actions/{id}",
            "action soumise en B",
            |w, _| format!("/actions/{}", w.action_b),
            "S 404 404 404 200 404 200 200 200 404 200",
        ),
        get(
            "/actions/{id}/modifier",
            "brouillon en A",
            |w, _| format!("/actions/{}/modifier", w.draft_action),
            "S 200 200 404 404 404 404 404 404 404 404",
        ),
        get(
            "/actions/{id}/modifier",
            "action soumise en A",
            |w, _| format!("/actions/{}/modifier", w.submitted_action),
            "S 403 403 403 404 403 404 403 403 404 403",
        ),
        post(
            "/actions/{id}/modifier",
            "brouillon en A, version périmée",
            |w, _| format!("/actions/{}/modifier", w.draft_action),
            |_, _| {
                vec![
                    ("version", "0".into()),
                    ("intent", "save".into()),
                    ("title", "Titre".into()),
                ]
            },
            "S 409 409 404 404 404 404 404 404 404 404",
        ),
        post(
            "/actions/{id}/transition",
            "action soumise en A, version périmée",
            |w, _| format!("/actions/{}/transition", w.submitted_action),
            |_, _| vec![("transition", "validate".into()), ("version", "0".into())],
            "S 403 403 403 404 409 404 403 409 404 409",
        ),
        post(
            "/actions/{id}/signalements",
            "action validée en A, version périmée",
            |w, _| format!("/actions/{}/signalements", w.validated_action),
            |_, _| vec![("featured", "on".into()), ("version", "0".into())],
            "S 403 403 403 404 409 404 403 409 404 409",
        ),
        post(
            "/actions/{id}/dupliquer",
            "action soumise en A",
            |w, _| format!("/actions/{}/dupliquer", w.submitted_action),
            no_form,
            "S 303 403 403 404 403 404 403 403 404 403",
        ),
        // Following the declarations.
        get(
            "/editions/{id}/revue",
            "édition ouverte",
            |w, _| format!("/editions/{}/revue", w.edition),
            FOLLOWERS,
        ),
        get(
            "/editions/{id}/revue",
            "édition en préparation",
            |w, _| format!("/editions/{}/revue", w.draft_edition),
            "S 404 404 404 404 404 404 404 200 404 200",
        ),
        post(
            "/editions/{id}/revue/valider",
            "édition ouverte, rien de coché",
            |w, _| format!("/editions/{}/revue/valider", w.edition),
            no_form,
            "S 403 403 403 403 422 422 403 422 404 422",
        ),
        post(
            "/editions/{id}/revue/export",
            "édition ouverte",
            |w, _| format!("/editions/{}/revue/export", w.edition),
            no_form,
            FOLLOWERS,
        ),
        get(
            "/editions/{id}/couverture/export",
            "édition ouverte (CSV)",
            |w, _| format!("/editions/{}/couverture/export", w.edition),
            FOLLOWERS,
        ),
        get(
            "/editions/{id}/tableau-de-bord",
            "édition ouverte",
            |w, _| format!("/editions/{}/tableau-de-bord", w.edition),
            FOLLOWERS,
        ),
        // Bilans and dashboards (issue 11).
        get(
            "/actions/{id}/bilan",
            "action validée en A",
            |w, _| format!("/actions/{}/bilan", w.validated_action),
            "S 200 200 200 404 200 404 200 200 404 200",
        ),
        get(
            "/actions/{id}/bilan",
            "action soumise en A (pas encore validée)",
            |w, _| format!("/actions/{}/bilan", w.submitted_action),
            "S 403 403 403 404 403 404 403 403 404 403",
        ),
        post(
            "/actions/{id}/bilan",
            "action validée en A, version périmée",
            |w, _| format!("/actions/{}/bilan", w.validated_action),
            |_, _| vec![("version", "7".into()), ("intent", "save".into())],
            "S 409 409 403 404 403 404 403 403 404 403",
        ),
        post(
            "/actions/{id}/bilan/renvoi",
            "action validée en A, bilan pas transmis",
            |w, _| format!("/actions/{}/bilan/renvoi", w.validated_action),
            |_, _| vec![("version", "0".into()), ("comment", "À compléter".into())],
            "S 403 403 403 404 409 404 403 409 404 409",
        ),
        post(
            "/actions/{id}/bilan/delai",
            "action validée en A, bilan pas transmis (le délai est prolongé à chaque fois)",
            |w, _| format!("/actions/{}/bilan/delai", w.validated_action),
            no_form,
            "S 403 403 403 404 303 404 403 303 404 303",
        ),
        get(
            "/editions/{id}/bilans",
            "édition ouverte",
            |w, _| format!("/editions/{}/bilans", w.edition),
            FOLLOWERS,
        ),
        get(
            "/editions/{id}/indicateurs",
            "édition ouverte",
            |w, _| format!("/editions/{}/indicateurs", w.edition),
            FOLLOWERS,
        ),
        get(
            "/editions/{id}/indicateurs/actions",
            "édition ouverte, actions validées",
            |w, _| {
                format!(
                    "/editions/{}/indicateurs/actions?indicateur=validees",
                    w.edition
                )
            },
            FOLLOWERS,
        ),
        get(
            "/editions/{id}/indicateurs/export",
            "édition ouverte",
            |w, _| format!("/editions/{}/indicateurs/export", w.edition),
            FOLLOWERS,
        ),
        get(
            "/indicateurs/national",
            "vue nationale",
            |_, _| "/indicateurs/national".into(),
            "S 403 403 403 403 403 403 403 403 403 200",
        ),
        get(
            "/editions/{id}/questionnaire-bilan",
            "édition ouverte",
            |w, _| format!("/editions/{}/questionnaire-bilan", w.edition),
            COORDINATION_ONLY,
        ),
        post(
            "/editions/{id}/questionnaire-bilan",
            "question vide",
            |w, _| format!("/editions/{}/questionnaire-bilan", w.edition),
            |_, _| vec![("kind", "scale".into()), ("label", String::new())],
            "S 403 403 403 403 403 403 403 422 404 422",
        ),
        post(
            "/editions/{id}/questionnaire-bilan/{question}/supprimer",
            "question inconnue",
            |w, _| {
                format!(
                    "/editions/{}/questionnaire-bilan/999999/supprimer",
                    w.edition
                )
            },
            no_form,
            "S 403 403 403 403 403 403 403 404 404 404",
        ),
        post(
            "/editions/{id}/questionnaire-bilan/relances",
            "jours invalides",
            |w, _| format!("/editions/{}/questionnaire-bilan/relances", w.edition),
            |_, _| vec![("days", "demain".into())],
            "S 403 403 403 403 403 403 403 422 404 422",
        ),
        // Rendez-vous de la persévérance (issue 10): the coordination
        // schedules and keeps attendance; anyone placed in the académie registers.
        get(
            "/editions/{id}/rendez-vous",
            "édition ouverte",
            |w, _| format!("/editions/{}/rendez-vous", w.edition),
            ACADEMY_MEMBERS,
        ),
        post(
            "/editions/{id}/rendez-vous",
            "édition ouverte, formulaire vide",
            |w, _| format!("/editions/{}/rendez-vous", w.edition),
            no_form,
            "S 403 403 403 403 403 403 403 422 404 422",
        ),
        get(
            "/rendez-vous/{id}/modifier",
            "rendez-vous de l'édition ouverte",
            |w, _| format!("/rendez-vous/{}/modifier", w.meeting),
            COORDINATION_ONLY,
        ),
        post(
            "/rendez-vous/{id}/modifier",
            "rendez-vous, formulaire vide",
            |w, _| format!("/rendez-vous/{}/modifier", w.meeting),
            no_form,
            "S 403 403 403 403 403 403 403 422 404 422",
        ),
        post(
            "/rendez-vous/{id}/supprimer",
            "rendez-vous de réserve (annulé par la coordination académique, puis introuvable)",
            |w, _| format!("/rendez-vous/{}/supprimer", w.spare_meeting),
            no_form,
            "S 403 403 403 403 403 403 403 303 404 404",
        ),
        post(
            "/rendez-vous/{id}/inscription",
            "rendez-vous, 200 places",
            |w, _| format!("/rendez-vous/{}/inscription", w.meeting),
            no_form,
            "S 303 303 303 303 303 303 303 303 404 403",
        ),
        post(
            "/rendez-vous/{id}/annulation",
            "rendez-vous (sa propre inscription)",
            |w, _| format!("/rendez-vous/{}/annulation", w.meeting),
            no_form,
            "S 303 303 303 303 303 303 303 303 404 303",
        ),
        get(
            "/rendez-vous/{id}/participants",
            "rendez-vous",
            |w, _| format!("/rendez-vous/{}/participants", w.meeting),
            COORDINATION_ONLY,
        ),
        post(
            "/rendez-vous/{id}/presences",
            "rendez-vous, aucune case cochée",
            |w, _| format!("/rendez-vous/{}/presences", w.meeting),
            no_form,
            "S 403 403 403 403 403 403 403 303 404 303",
        ),
        get(
            "/rendez-vous/{id}/participants.csv",
            "rendez-vous",
            |w, _| format!("/rendez-vous/{}/participants.csv", w.meeting),
            COORDINATION_ONLY,
        ),
        get(
            "/agenda",
            "ses rendez-vous",
            |_, _| "/agenda".into(),
            SIGNED_IN_200,
        ),
        post(
            "/agenda/lien",
            "son agenda",
            |_, _| "/agenda/lien".into(),
            no_form,
            SIGNED_IN_200,
        ),
        get(
            "/agenda/{token}/rendez-vous.ics",
            "adresse d'agenda inconnue",
            |_, _| "/agenda/inconnue/rendez-vous.ics".into(),
            "404 404 404 404 404 404 404 404 404 404 404",
        ),
        // The kit (issue 10): composed by the coordination; public resources
        // open to anyone, staff-only ones to the académie.
        get(
            "/editions/{id}/mallette",
            "édition ouverte",
            |w, _| format!("/editions/{}/mallette", w.edition),
            ACADEMY_MEMBERS,
        ),
        upload(
            "/editions/{id}/mallette",
            "édition ouverte, formulaire vide",
            |w, _| format!("/editions/{}/mallette", w.edition),
            no_form,
            "S 403 403 403 403 403 403 403 422 404 422",
        ),
        post(
            "/editions/{id}/mallette/mutualisation",
            "édition ouverte, numéro d'action vide",
            |w, _| format!("/editions/{}/mallette/mutualisation", w.edition),
            no_form,
            "S 403 403 403 403 403 403 403 422 404 422",
        ),
        get(
            "/ressources/{id}",
            "fiche méthode publique",
            |w, _| format!("/ressources/{}", w.public_sheet),
            EVERYONE_200,
        ),
        get(
            "/ressources/{id}",
            "fiche réservée aux personnels",
            |w, _| format!("/ressources/{}", w.staff_sheet),
            ACADEMY_MEMBERS,
        ),
        get(
            "/ressources/{id}/versions/{version}",
            "fiche publique, version 1",
            |w, _| format!("/ressources/{}/versions/1", w.public_sheet),
            EVERYONE_200,
        ),
        get(
            "/ressources/{id}/versions/{version}/fichier",
            "affiche publique (PDF), version 1",
            |w, _| format!("/ressources/{}/versions/1/fichier", w.kit_file),
            EVERYONE_200,
        ),
        upload(
            "/ressources/{id}/version",
            "fiche réservée, formulaire vide",
            |w, _| format!("/ressources/{}/version", w.staff_sheet),
            no_form,
            "S 403 403 403 403 403 403 403 422 404 422",
        ),
        post(
            "/ressources/{id}/modifier",
            "fiche réservée, formulaire vide",
            |w, _| format!("/ressources/{}/modifier", w.staff_sheet),
            no_form,
            "S 403 403 403 403 403 403 403 422 404 422",
        ),
        post(
            "/ressources/{id}/supprimer",
            "fichier public de réserve (retiré par la coordination académique, puis « retiré » : 410 pour qui pouvait le lire)",
            |w, _| format!("/ressources/{}/supprimer", w.spare_resource),
            no_form,
            "S 403 403 403 403 403 403 403 303 410 410",
        ),
        post(
            "/ressources/{id}/deplacer",
            "fiche publique, sans déplacement",
            |w, _| format!("/ressources/{}/deplacer", w.public_sheet),
            no_form,
            "S 403 403 403 403 403 403 403 303 403 303",
        ),
        // Photos (issue 9): private to the school and the coordination
        // until published; decisions by the coordination (withdrawal also
        // by the school); the totem's call, entries and public gallery.
        get(
            "/medias/{id}/{variant}",
            "photo du totem de A en attente (vignette)",
            |w, _| format!("/medias/{}/vignette", w.photo),
            "404 200 200 200 404 404 404 404 200 404 200",
        ),
        get(
            "/medias/{id}/{variant}",
            "photo du totem de A publiée (vignette)",
            |w, _| format!("/medias/{}/vignette", w.public_photo),
            EVERYONE_200,
        ),
        post(
            "/medias/{id}/decision",
            "photo en attente, sans décision",
            |w, _| format!("/medias/{}/decision", w.photo),
            no_form,
            "S 400 400 400 404 404 404 404 400 404 400",
        ),
        get(
            "/editions/{id}/medias",
            "édition ouverte",
            |w, _| format!("/editions/{}/medias", w.edition),
            COORDINATION_ONLY,
        ),
        post(
            "/editions/{id}/medias/conservation",
            "édition ouverte, durée vide",
            |w, _| format!("/editions/{}/medias/conservation", w.edition),
            no_form,
            "S 403 403 403 403 403 403 403 400 404 400",
        ),
        get(
            "/editions/{id}/totem",
            "édition ouverte",
            |w, _| format!("/editions/{}/totem", w.edition),
            ACADEMY_MEMBERS,
        ),
        upload(
            "/editions/{id}/totem",
            "édition ouverte, formulaire vide",
            |w, _| format!("/editions/{}/totem", w.edition),
            no_form,
            "S 422 422 422 422 403 403 403 403 404 403",
        ),
        post(
            "/editions/{id}/totem/appel",
            "édition ouverte, appel inchangé",
            |w, _| format!("/editions/{}/totem/appel", w.edition),
            |_, _| vec![("prompt", "La photo de votre totem.".into())],
            "S 403 403 403 403 403 403 403 303 404 303",
        ),
        get(
            "/a/{slug}/editions/{year}/galerie",
            "édition ouverte",
            |_, _| "/a/creteil/editions/2090/galerie".into(),
            EVERYONE_200,
        ),
        get(
            "/a/{slug}/editions/{year}/galerie",
            "édition en préparation",
            |_, _| "/a/creteil/editions/2091/galerie".into(),
            "404 404 404 404 404 404 404 404 404 404 404",
        ),
        // Video links (issue 9): added by the school's side, decided like
        // photos; the académie's allowed hosts.
        get(
            "/videos/nouvelle",
            "totem de A",
            |w, _| format!("/videos/nouvelle?objet=totem&id={}", w.totem_entry),
            "S 200 200 200 403 403 403 403 403 404 403",
        ),
        post(
            "/videos/nouvelle",
            "totem de A, lien vide",
            |_, _| "/videos/nouvelle".into(),
            |w, _| vec![("objet", "totem".into()), ("id", w.totem_entry.to_string())],
            "S 422 422 422 403 403 403 403 403 404 403",
        ),
        post(
            "/videos/{id}/decision",
            "vidéo inconnue",
            |_, _| "/videos/999999/decision".into(),
            no_form,
            "S 404 404 404 404 404 404 404 404 404 404",
        ),
        post(
            "/editions/{id}/medias/plateformes",
            "édition ouverte, liste par défaut",
            |w, _| format!("/editions/{}/medias/plateformes", w.edition),
            no_form,
            "S 403 403 403 403 403 403 403 303 404 303",
        ),
        // The poster contest (issue 9): not opened for the world's edition.
        get(
            "/editions/{id}/concours",
            "édition ouverte, concours non ouvert",
            |w, _| format!("/editions/{}/concours", w.edition),
            ACADEMY_MEMBERS,
        ),
        post(
            "/editions/{id}/concours",
            "édition ouverte, réglages vides",
            |w, _| format!("/editions/{}/concours", w.edition),
            no_form,
            "S 403 403 403 403 403 403 403 422 404 422",
        ),
        post(
            "/editions/{id}/concours/jury",
            "concours non ouvert",
            |w, _| format!("/editions/{}/concours/jury", w.edition),
            no_form,
            "S 403 403 403 403 403 403 403 400 404 400",
        ),
        upload(
            "/editions/{id}/concours/participations",
            "concours non ouvert",
            |w, _| format!("/editions/{}/concours/participations", w.edition),
            no_form,
            "S 400 400 400 400 403 403 403 403 404 403",
        ),
        post(
            "/editions/{id}/concours/cloture",
            "concours non ouvert",
            |w, _| format!("/editions/{}/concours/cloture", w.edition),
            no_form,
            "S 403 403 403 403 403 403 403 404 404 404",
        ),
        post(
            "/editions/{id}/concours/palmares",
            "concours non ouvert",
            |w, _| format!("/editions/{}/concours/palmares", w.edition),
            no_form,
            "S 403 403 403 403 403 403 403 404 404 404",
        ),
        post(
            "/concours/participations/{id}/note",
            "participation inconnue",
            |_, _| "/concours/participations/999999/note".into(),
            no_form,
            "S 404 404 404 404 404 404 404 404 404 404",
        ),
        get(
            "/concours/participations/{id}/affiche",
            "participation inconnue",
            |_, _| "/concours/participations/999999/affiche".into(),
            "S 404 404 404 404 404 404 404 404 404 404",
        ),
        upload(
            "/concours/participations/{id}/affiche",
            "participation inconnue",
            |_, _| "/concours/participations/999999/affiche".into(),
            no_form,
            "S 404 404 404 404 404 404 404 404 404 404",
        ),
        get(
            "/a/{slug}/editions/{year}/concours",
            "concours non ouvert",
            |_, _| "/a/creteil/editions/2090/concours".into(),
            "404 404 404 404 404 404 404 404 404 404 404",
        ),
        // The school's checklist (issue 10): the coordination edits the
        // steps, a school's staff tick theirs, the followers read the table.
        get(
            "/editions/{id}/etapes",
            "édition ouverte",
            |w, _| format!("/editions/{}/etapes", w.edition),
            ACADEMY_MEMBERS,
        ),
        post(
            "/editions/{id}/etapes",
            "édition ouverte, étape vide",
            |w, _| format!("/editions/{}/etapes", w.edition),
            no_form,
            "S 403 403 403 403 403 403 403 422 404 422",
        ),
        get(
            "/editions/{id}/etapes/suivi",
            "édition ouverte",
            |w, _| format!("/editions/{}/etapes/suivi", w.edition),
            FOLLOWERS,
        ),
        post(
            "/etapes/{id}/cocher",
            "étape, pour l'établissement A",
            |w, _| format!("/etapes/{}/cocher", w.step),
            |w, _| vec![("school", w.school_a.to_string()), ("done", "1".into())],
            "S 303 303 303 403 403 403 403 403 404 403",
        ),
        post(
            "/etapes/{id}/supprimer",
            "étape de réserve (supprimée par la coordination académique, puis introuvable)",
            |w, _| format!("/etapes/{}/supprimer", w.spare_step),
            no_form,
            "S 403 403 403 403 403 403 403 303 404 404",
        ),
        // The académie's public edition page (no account).
        get(
            "/a/{slug}/editions/{year}",
            "édition ouverte",
            |_, _| "/a/creteil/editions/2090".into(),
            EVERYONE_200,
        ),
        get(
            "/a/{slug}/editions/{year}",
            "édition en préparation",
            |_, _| "/a/creteil/editions/2091".into(),
            "404 404 404 404 404 404 404 404 404 404 404",
        ),
        // District programmes (issue 8): composing, publishing, diffusing at
        // district A; the public page of a programme never published is 404.
        get(
            "/editions/{id}/districts/{district}/programme",
            "programme du district A",
            |w, _| {
                format!(
                    "/editions/{}/districts/{}/programme",
                    w.edition, w.district_a
                )
            },
            PROGRAMME_FOLLOWERS,
        ),
        post(
            "/editions/{id}/districts/{district}/programme",
            "programme du district A, formulaire vide",
            |w, _| {
                format!(
                    "/editions/{}/districts/{}/programme",
                    w.edition, w.district_a
                )
            },
            no_form,
            PROGRAMME_COMPOSERS_422,
        ),
        post(
            "/editions/{id}/districts/{district}/programme/evenements",
            "programme du district A, événement vide",
            |w, _| {
                format!(
                    "/editions/{}/districts/{}/programme/evenements",
                    w.edition, w.district_a
                )
            },
            no_form,
            PROGRAMME_COMPOSERS_422,
        ),
        post(
            "/programmes/evenements/{id}/supprimer",
            "événement inconnu",
            |_, _| "/programmes/evenements/999999/supprimer".into(),
            no_form,
            "S 404 404 404 404 404 404 404 404 404 404",
        ),
        get(
            "/editions/{id}/districts/{district}/programme/apercu",
            "programme du district A",
            |w, _| {
                format!(
                    "/editions/{}/districts/{}/programme/apercu",
                    w.edition, w.district_a
                )
            },
            PROGRAMME_FOLLOWERS,
        ),
        post(
            "/editions/{id}/districts/{district}/programme/publier",
            "programme vide du district A",
            |w, _| {
                format!(
                    "/editions/{}/districts/{}/programme/publier",
                    w.edition, w.district_a
                )
            },
            no_form,
            "S 403 403 403 404 400 404 403 400 404 400",
        ),
        get(
            "/editions/{id}/districts/{district}/programme/diffuser",
            "programme du district A",
            |w, _| {
                format!(
                    "/editions/{}/districts/{}/programme/diffuser",
                    w.edition, w.district_a
                )
            },
            PROGRAMME_FOLLOWERS,
        ),
        post(
            "/editions/{id}/districts/{district}/programme/diffuser",
            "programme non publié du district A",
            |w, _| {
                format!(
                    "/editions/{}/districts/{}/programme/diffuser",
                    w.edition, w.district_a
                )
            },
            no_form,
            PROGRAMME_COMPOSERS_422,
        ),
        post(
            "/programmes/destinataires/{id}/renvoyer",
            "destinataire inconnu",
            |_, _| "/programmes/destinataires/999999/renvoyer".into(),
            no_form,
            "S 404 404 404 404 404 404 404 404 404 404",
        ),
        get(
            "/districts/{id}/partenaires",
            "partenaires du district A",
            |w, _| format!("/districts/{}/partenaires", w.district_a),
            PROGRAMME_FOLLOWERS,
        ),
        post(
            "/districts/{id}/partenaires",
            "partenaire vide au district A",
            |w, _| format!("/districts/{}/partenaires", w.district_a),
            no_form,
            PROGRAMME_COMPOSERS_422,
        ),
        post(
            "/partenaires/{id}",
            "partenaire inconnu",
            |_, _| "/partenaires/999999".into(),
            no_form,
            "S 404 404 404 404 404 404 404 404 404 404",
        ),
        post(
            "/partenaires/{id}/supprimer",
            "partenaire inconnu",
            |_, _| "/partenaires/999999/supprimer".into(),
            no_form,
            "S 404 404 404 404 404 404 404 404 404 404",
        ),
        get(
            "/a/{slug}/editions/{year}/programmes/{district}",
            "programme jamais publié",
            |w, _| format!("/a/creteil/editions/2090/programmes/{}", w.district_a),
            NOBODY_404,
        ),
        get(
            "/a/{slug}/editions/{year}/programmes/{district}/programme.pdf",
            "programme jamais publié",
            |w, _| {
                format!(
                    "/a/creteil/editions/2090/programmes/{}/programme.pdf",
                    w.district_a
                )
            },
            NOBODY_404,
        ),
        get(
            "/a/{slug}/editions/{year}/programmes/{district}/programme.ics",
            "programme jamais publié",
            |w, _| {
                format!(
                    "/a/creteil/editions/2090/programmes/{}/programme.ics",
                    w.district_a
                )
            },
            NOBODY_404,
        ),
        get(
            "/a/{slug}/editions/{year}/programmes/{district}/programme.csv",
            "programme jamais publié",
            |w, _| {
                format!(
                    "/a/creteil/editions/2090/programmes/{}/programme.csv",
                    w.district_a
                )
            },
            NOBODY_404,
        ),
        get(
            "/a/{slug}/editions/{year}/programmes/{district}/programme.xlsx",
            "programme jamais publié",
            |w, _| {
                format!(
                    "/a/creteil/editions/2090/programmes/{}/programme.xlsx",
                    w.district_a
                )
            },
            NOBODY_404,
        ),
        // The public side of issue 8 (no account): the agenda, its feeds,
        // each published action's page and calendar file, the catalogue.
        get(
            "/a/{slug}/agenda",
            "agenda de l'académie",
            |_, _| "/a/creteil/agenda".into(),
            EVERYONE_200,
        ),
        get(
            "/a/{slug}/carte",
            "carte de l'académie",
            |_, _| "/a/creteil/carte".into(),
            EVERYONE_200,
        ),
        get(
            "/a/{slug}/carte.geojson",
            "lieux de la carte (GeoJSON)",
            |_, _| "/a/creteil/carte.geojson".into(),
            EVERYONE_200,
        ),
        get(
            "/a/{slug}/districts/{id}/carte",
            "carte du district A",
            |w, _| format!("/a/creteil/districts/{}/carte", w.district_a),
            EVERYONE_200,
        ),
        get(
            "/a/{slug}/agenda.atom",
            "fil Atom",
            |_, _| "/a/creteil/agenda.atom".into(),
            EVERYONE_200,
        ),
        get(
            "/a/{slug}/agenda.ics",
            "fil iCalendar",
            |_, _| "/a/creteil/agenda.ics".into(),
            EVERYONE_200,
        ),
        get(
            "/a/{slug}/districts/{id}/agenda.atom",
            "fil Atom du district A",
            |w, _| format!("/a/creteil/districts/{}/agenda.atom", w.district_a),
            EVERYONE_200,
        ),
        get(
            "/a/{slug}/districts/{id}/agenda.ics",
            "fil iCalendar du district A",
            |w, _| format!("/a/creteil/districts/{}/agenda.ics", w.district_a),
            EVERYONE_200,
        ),
        get(
            "/a/{slug}/actions/{id}",
            "action validée en A (publiée)",
            |w, _| format!("/a/creteil/actions/{}", w.validated_action),
            EVERYONE_200,
        ),
        get(
            "/a/{slug}/actions/{id}",
            "action soumise en A (non publiée)",
            |w, _| format!("/a/creteil/actions/{}", w.submitted_action),
            "404 404 404 404 404 404 404 404 404 404 404",
        ),
        get(
            "/a/{slug}/actions/{id}/agenda.ics",
            "action validée en A (publiée)",
            |w, _| format!("/a/creteil/actions/{}/agenda.ics", w.validated_action),
            EVERYONE_200,
        ),
        get(
            "/a/{slug}/mutualisation",
            "fiches mutualisation",
            |_, _| "/a/creteil/mutualisation".into(),
            EVERYONE_200,
        ),
        get(
            "/a/{slug}/mutualisation/{id}",
            "action soumise en A (non publiée)",
            |w, _| format!("/a/creteil/mutualisation/{}", w.submitted_action),
            "404 404 404 404 404 404 404 404 404 404 404",
        ),
        post(
            "/actions/{id}/publication",
            "action validée en A (la republier : rien ne change)",
            |w, _| format!("/actions/{}/publication", w.validated_action),
            |_, _| vec![("publication", "publier".into())],
            "S 403 403 403 404 303 404 403 303 404 303",
        ),
        post(
            "/actions/{id}/mutualisation",
            "action validée en A (fiche laissée telle quelle)",
            |w, _| format!("/actions/{}/mutualisation", w.validated_action),
            |_, _| vec![("rank", "normal".into())],
            "S 403 403 403 404 303 404 403 303 404 303",
        ),
        // The read-only JSON API (issue 8), open to anyone.
        get(
            "/api/v1",
            "page de référence",
            |_, _| "/api/v1".into(),
            EVERYONE_200,
        ),
        get(
            "/api/v1/openapi.json",
            "document OpenAPI",
            |_, _| "/api/v1/openapi.json".into(),
            EVERYONE_200,
        ),
        get(
            "/api/v1/editions",
            "éditions publiées",
            |_, _| "/api/v1/editions".into(),
            EVERYONE_200,
        ),
        get(
            "/api/v1/academies/{slug}/actions",
            "agenda de l'académie",
            |_, _| "/api/v1/academies/creteil/actions".into(),
            EVERYONE_200,
        ),
        get(
            "/api/v1/academies/{slug}/actions/{id}",
            "action validée en A (publiée)",
            |w, _| format!("/api/v1/academies/creteil/actions/{}", w.validated_action),
            EVERYONE_200,
        ),
        get(
            "/api/v1/academies/{slug}/actions/{id}",
            "action soumise en A (non publiée)",
            |w, _| format!("/api/v1/academies/creteil/actions/{}", w.submitted_action),
            "404 404 404 404 404 404 404 404 404 404 404",
        ),
        get(
            "/api/v1/academies/{slug}/catalogue",
            "fiches mutualisation",
            |_, _| "/api/v1/academies/creteil/catalogue".into(),
            EVERYONE_200,
        ),
        // Forms kept while their author was signed out: each person's own.
        get(
            "/saisies-conservees",
            "ses saisies conservées",
            |_, _| "/saisies-conservees".into(),
            SIGNED_IN_200,
        ),
        post(
            "/saisies-conservees/{id}/abandonner",
            "saisie d'un autre",
            |_, _| "/saisies-conservees/999999/abandonner".into(),
            no_form,
            "S 404 404 404 404 404 404 404 404 404 404",
        ),
        // Signing out: the page with the button, then the form.
        get(
            "/deconnexion",
            "",
            |_, _| "/deconnexion".into(),
            "200 200 200 200 200 200 200 200 200 200 200",
        ),
        // Last: signing out ends each person's session.
        post(
            "/deconnexion",
            "",
            |_, _| "/deconnexion".into(),
            no_form,
            "303 303 303 303 303 303 303 303 303 303 303",
        ),
    ]
}

/// What a person got: a status, `S` (sent to sign in), and for a 403 its reason.
async fn ask(world: &World, row: &Row, person: usize) -> (String, Option<String>) {
    let visitor = world.who(person);
    let path = (row.path)(world, person);
    let response = if row.method == "GET" {
        visitor.get(&path).await
    } else {
        let form = (row.form)(world, person);
        let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        if row.multipart {
            visitor.post_multipart(&path, &fields, None).await
        } else {
            visitor.post(&path, &fields).await
        }
    };
    let status = response.status();
    let location = response
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap_or_default().to_string())
        .unwrap_or_default();
    if status == StatusCode::SEE_OTHER && location.starts_with("/connexion?suite=") {
        return ("S".into(), None);
    }
    if status == StatusCode::FORBIDDEN {
        let html = body(response).await;
        let reason = html
            .split("<p class=\"fr-text--lead fr-mb-3w\">")
            .nth(1)
            .and_then(|rest| rest.split("</p>").next())
            .map(unescape)
            .unwrap_or_default();
        let refused = html.contains("Action non autorisée") && !reason.trim().is_empty();
        return (if refused { "403" } else { "403?" }.into(), Some(reason));
    }
    (status.as_u16().to_string(), None)
}

fn unescape(html: &str) -> String {
    html.replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

async fn every_route_answers_each_person_as_the_policy_says(engine: Engine) {
    let world = people::world(engine).await;
    let rows = rows();
    let mut seen: Vec<Vec<String>> = Vec::new();
    let mut reasons: Vec<Vec<(usize, String)>> = Vec::new();
    let mut mismatches = Vec::new();
    for row in &rows {
        let expected: Vec<&str> = row.expect.split_whitespace().collect();
        assert_eq!(
            expected.len(),
            PEOPLE.len(),
            "{} {} ({}): one answer per person",
            row.method,
            row.route,
            row.object
        );
        let mut line = Vec::new();
        let mut why = Vec::new();
        for (person, want) in expected.iter().enumerate() {
            let (got, reason) = ask(&world, row, person).await;
            if got != *want {
                mismatches.push(format!(
                    "{} {} ({}) as {}: expected {want}, got {got}{}",
                    row.method,
                    (row.path)(&world, person),
                    row.object,
                    PEOPLE[person].0,
                    reason
                        .as_deref()
                        .map(|r| format!(" « {r} »"))
                        .unwrap_or_default()
                ));
            }
            if let Some(reason) = reason {
                why.push((person, reason));
            }
            line.push(got);
        }
        seen.push(line);
        reasons.push(why);
    }
    let document = matrix_document(&rows, &seen, &reasons);
    println!("{document}");
    assert!(
        mismatches.is_empty(),
        "{} answer(s) differ from the matrix:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    if engine == Engine::Sqlite {
        check_document(&document);
    }
}

/// The matrix as a Markdown document (the table, then each refusal's reason).
fn matrix_document(rows: &[Row], seen: &[Vec<String>], reasons: &[Vec<(usize, String)>]) -> String {
    let mut out = String::new();
    out.push_str(
        "# Permissions\n\n\
         Generated by `tests/permissions.rs` (`PERSEVERANCE_BLESS=1 cargo test --test permissions` \
         rewrites it): every route of the router, asked by every kind of person, with the answer \
         the access policy (`src/domain/policy.rs`) gives. Do not edit by hand.\n\n\
         `S`: redirected to sign in. `403`: refused with a reason (listed below). `404`: out of \
         sight. `422`, `409`, `303`: access granted, the form's own answer (the matrix sends \
         forms that change nothing a later row needs: empty fields, a stale version, or an \
         object of the person's own). The DSFR files under `/static/dsfr/` are public and \
         served by `tower-http` outside these routes.\n\n",
    );
    out.push_str("People:\n\n");
    for (short, long) in PEOPLE {
        let _ = writeln!(out, "- **{short}**: {long}");
    }
    out.push_str("\n| | route | object |");
    for (short, _) in PEOPLE {
        let _ = write!(out, " {short} |");
    }
    out.push_str("\n|---|---|---|");
    for _ in PEOPLE {
        out.push_str("---|");
    }
    out.push('\n');
    for (n, (row, line)) in rows.iter().zip(seen).enumerate() {
        let _ = write!(
            out,
            "| {} | {} `{}` | {} |",
            n + 1,
            row.method,
            row.route,
            row.object
        );
        for got in line {
            let _ = write!(out, " {got} |");
        }
        out.push('\n');
    }
    out.push_str("\n## Reasons given with each 403\n\n");
    for (n, (row, why)) in rows.iter().zip(reasons).enumerate() {
        let mut distinct: Vec<(Vec<&str>, &str)> = Vec::new();
        for (person, reason) in why {
            match distinct.iter_mut().find(|(_, r)| *r == reason.as_str()) {
                Some((who, _)) => who.push(PEOPLE[*person].0),
                None => distinct.push((vec![PEOPLE[*person].0], reason.as_str())),
            }
        }
        for (who, reason) in distinct {
            let _ = writeln!(
                out,
                "- {} `{}` ({}), {}: « {reason} »",
                row.method,
                row.route,
                n + 1,
                who.join(", ")
            );
        }
    }
    out
}

/// Compares `docs/permissions.md` with the matrix; rewrites it when blessed.
fn check_document(document: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/permissions.md");
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    if current == document {
        return;
    }
    if std::env::var_os("PERSEVERANCE_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, document).unwrap();
        return;
    }
    panic!(
        "docs/permissions.md is out of date: run `PERSEVERANCE_BLESS=1 cargo test --test permissions` \
         and commit it"
    );
}

/// Every `.route("path", get(..).post(..))` of `src/`, as (method, path).
fn routes_in_source() -> BTreeSet<(String, String)> {
    let mut found = BTreeSet::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                found.extend(routes_in(&text));
            }
        }
    }
    found
}

fn routes_in(text: &str) -> Vec<(String, String)> {
    let mut routes = Vec::new();
    for (start, m) in text.match_indices(".route(") {
        // The call's text, up to its closing parenthesis.
        let rest = &text[start + m.len()..];
        let mut depth = 1;
        let end = rest
            .char_indices()
            .find_map(|(i, c)| {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                (depth == 0).then_some(i)
            })
            .expect("a closed .route( call");
        let call = &rest[..end];
        let Some(path) = call
            .trim_start()
            .strip_prefix('"')
            .and_then(|p| p.split('"').next())
        else {
            continue;
        };
        let mut methods = 0;
        for method in ["get", "post", "put", "patch", "delete"] {
            for (i, _) in call.match_indices(&format!("{method}(")) {
                let before = call[..i].chars().last().unwrap_or(' ');
                if !(before.is_alphanumeric() || before == '_') {
                    routes.push((method.to_uppercase(), path.to_string()));
                    methods += 1;
                }
            }
        }
        assert!(methods > 0, "no method found for route {path}");
    }
    routes
}

#[test]
fn every_route_has_a_row() {
    let in_source = routes_in_source();
    assert!(in_source.len() > 30, "routes found: {in_source:?}");
    let in_matrix: BTreeSet<(String, String)> = rows()
        .iter()
        .map(|r| (r.method.to_string(), r.route.to_string()))
        .collect();
    let missing: Vec<_> = in_source.difference(&in_matrix).collect();
    assert!(
        missing.is_empty(),
        "routes without a row in tests/permissions.rs: {missing:?}"
    );
    let stale: Vec<_> = in_matrix.difference(&in_source).collect();
    assert!(
        stale.is_empty(),
        "rows for routes the router no longer has: {stale:?}"
    );
}

#[test]
fn the_route_reader_sees_methods_and_multiline_calls() {
    let text = r#"
        Router::new()
            .route("/a", get(list).post(create))
            .route(
                "/b/{id}/modifier",
                get(edit_page).post(update),
            )
            .route("/c", post(forget_it))
    "#;
    assert_eq!(
        routes_in(text),
        [
            ("GET".to_string(), "/a".to_string()),
            ("POST".into(), "/a".into()),
            ("GET".into(), "/b/{id}/modifier".into()),
            ("POST".into(), "/b/{id}/modifier".into()),
            ("POST".into(), "/c".into()),
        ]
    );
}
