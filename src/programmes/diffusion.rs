//! Diffusing a published programme: the recipients (the district's school
//! heads and référents, its partners, the DSDEN's address, the académie's
//! coordination), shown and editable before sending; one mail job per
//! address with the PDF attached; the log of diffusions with each address's
//! status (sent, failed with its error, retried); what changed since the
//! last diffused version. Also the district's partners (a list kept by its
//! coordination).

use std::collections::BTreeMap;

use askama::Template;
use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::{Deserialize, Serialize};

use super::{Place, compose, content_of, place, store};
use crate::{
    db::Conn,
    domain::{
        Ability, DistrictId, EditionId, Email,
        edition::format_paris,
        ids::{PartnerId, RecipientId},
        programme,
    },
    jobs::{
        self, Job, JobContext,
        mail::{Mail, build_with_attachment},
    },
    map::store::{self as map_store, District},
    web::{
        AppError, AppResult, AppState, CsrfForm, CurrentUser, FormErrors, Notice, OnceToken,
        PageCtx, extract::Path, once, render, render_with,
    },
};

/// The most addresses one diffusion may hold.
const MAX_RECIPIENTS: usize = 2_000;

/// An address proposed (or added) for a diffusion.
#[derive(Clone, Debug)]
struct Proposed {
    email: String,
    /// « Chef d’établissement — Collège X », « Partenaire (association) »…
    label: String,
    ticked: bool,
}

/// The default recipients of a district's programme, each address once
/// (the first label wins), in this order: schools, partners, DSDEN,
/// académie.
async fn proposed(conn: &mut Conn<'_>, district: &District) -> AppResult<(Vec<Proposed>, bool)> {
    let mut list: Vec<(String, String)> = Vec::new();
    for (email, school) in store::school_contacts(conn, district.id).await? {
        list.push((email, format!("Établissement — {school}")));
    }
    for p in store::partners_of(conn, district.id).await? {
        let kind = if p.kind.trim().is_empty() {
            String::new()
        } else {
            format!(" ({})", p.kind.trim())
        };
        list.push((p.email, format!("Partenaire — {}{kind}", p.name)));
    }
    let (dsden, department) = store::department_contact(conn, district.id).await?;
    let has_dsden = !dsden.trim().is_empty();
    if has_dsden {
        list.push((dsden, format!("DSDEN — {department}")));
    }
    for email in store::academy_coordinators(conn, district.id).await? {
        list.push((email, "Coordination académique".into()));
    }
    let mut seen = std::collections::BTreeSet::new();
    Ok((
        list.into_iter()
            .filter(|(email, _)| seen.insert(email.to_lowercase()))
            .map(|(email, label)| Proposed {
                email,
                label,
                ticked: true,
            })
            .collect(),
        has_dsden,
    ))
}

struct RecipientLine {
    id: RecipientId,
    email: String,
    label: String,
    status: &'static str,
    badge: &'static str,
    error: String,
    attempts: i64,
    failed: bool,
}

struct DiffusionLine {
    number: i64,
    sent: String,
    changes: Vec<String>,
    recipients: Vec<RecipientLine>,
}

#[derive(Template)]
#[template(path = "programmes/diffuse.html")]
struct DiffusePage {
    ctx: PageCtx,
    base: String,
    composes: bool,
    /// « Version 2, publiée le … », if published.
    version: Option<String>,
    proposed: Vec<Proposed>,
    has_dsden: bool,
    others: String,
    changes: Vec<String>,
    log: Vec<DiffusionLine>,
    errors: FormErrors,
}

fn status(code: &str) -> (&'static str, &'static str) {
    match code {
        "sent" => ("Envoyé", "fr-badge--success"),
        "failed" => ("Échec", "fr-badge--error"),
        _ => ("En attente", "fr-badge--info"),
    }
}

/// The changes from the last diffused version to `content`.
async fn changes_since_last(
    conn: &mut Conn<'_>,
    programme: &store::Programme,
    content: &programme::Content,
) -> AppResult<Vec<String>> {
    let Some(last) = store::diffusions(conn, programme.id)
        .await?
        .into_iter()
        .next()
    else {
        return Ok(vec!["Première diffusion du programme.".into()]);
    };
    let version = store::version_by_id(conn, last.version_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let before = content_of(&version)?;
    let mut lines = vec![format!(
        "Depuis la dernière diffusion (version {}) :",
        last.number
    )];
    lines.extend(programme::diff(&before, content).lines());
    Ok(lines)
}

async fn diffuse_page(
    state: &AppState,
    place: &Place,
    ctx: PageCtx,
    typed: Option<&SendForm>,
    errors: FormErrors,
) -> AppResult<DiffusePage> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let programme = store::ensure_programme(conn, place.edition.id, place.district.id).await?;
    let latest = compose::latest(conn, place).await?;
    let (mut proposed, has_dsden) = proposed(conn, &place.district).await?;
    if let Some(form) = typed {
        for p in &mut proposed {
            p.ticked = form.adresses.iter().any(|a| a.trim() == p.email);
        }
    }
    let changes = match &latest {
        Some((_, content)) => changes_since_last(conn, &programme, content).await?,
        None => Vec::new(),
    };
    let recipients = store::recipients(conn, programme.id).await?;
    let log = store::diffusions(conn, programme.id)
        .await?
        .into_iter()
        .map(|d| DiffusionLine {
            number: d.number,
            sent: format!("le {} par {}", format_paris(d.sent_at), d.sent_by_email),
            changes: d.changes.lines().map(str::to_string).collect(),
            recipients: recipients
                .iter()
                .filter(|r| r.diffusion_id == d.id)
                .map(|r| {
                    let (label, badge) = status(&r.status);
                    RecipientLine {
                        id: r.id,
                        email: r.email.clone(),
                        label: r.label.clone(),
                        status: label,
                        badge,
                        error: r.last_error.clone(),
                        attempts: r.attempts,
                        failed: r.status == "failed",
                    }
                })
                .collect(),
        })
        .collect();
    Ok(DiffusePage {
        ctx: place.page(
            ctx,
            &format!("Diffuser le programme — {}", place.district.name),
        ),
        base: place.base(),
        composes: place.composes,
        version: latest.as_ref().map(|(v, _)| {
            format!(
                "Version {}, publiée le {}",
                v.number,
                format_paris(v.published_at)
            )
        }),
        proposed,
        has_dsden,
        others: typed.map(|f| f.autres.clone()).unwrap_or_default(),
        changes,
        log,
        errors,
    })
}

/// `GET /editions/{id}/districts/{district}/programme/diffuser`
pub(super) async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path((id, district)): Path<(EditionId, DistrictId)>,
) -> AppResult<Response> {
    let place = place(&state, &user, id, district).await?;
    render(diffuse_page(&state, &place, ctx, None, FormErrors::default()).await?)
}

/// The diffusion form: the ticked addresses, and more typed one per line.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct SendForm {
    adresses: Vec<String>,
    autres: String,
    once: OnceToken,
}

/// `POST /editions/{id}/districts/{district}/programme/diffuser`: records
/// the diffusion and enqueues one mail per address, in one transaction.
pub(super) async fn send(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path((id, district)): Path<(EditionId, DistrictId)>,
    CsrfForm(form): CsrfForm<SendForm>,
) -> AppResult<Response> {
    let place = place(&state, &user, id, district).await?;
    place.require_composer()?;
    let (proposed, _) = {
        let mut db = state.db.acquire().await?;
        proposed(&mut db.conn(), &place.district).await?
    };
    // Address → label, in order: the ticked proposals, then those typed.
    let mut chosen: BTreeMap<String, (usize, String)> = BTreeMap::new();
    for p in &proposed {
        if form.adresses.iter().any(|a| a.trim() == p.email) {
            let n = chosen.len();
            chosen
                .entry(p.email.to_lowercase())
                .or_insert((n, p.label.clone()));
        }
    }
    let mut errors = FormErrors::default();
    let mut wrong = Vec::new();
    for line in form.autres.split(['\n', ',', ';']) {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        match Email::parse(line) {
            Ok(email) => {
                let n = chosen.len();
                chosen
                    .entry(email.as_str().to_string())
                    .or_insert((n, "Adresse ajoutée".into()));
            }
            Err(_) => wrong.push(line.chars().take(80).collect::<String>()),
        }
    }
    if !wrong.is_empty() {
        errors.add(
            "autres",
            format!(
                "Ces adresses ne sont pas valides : {}. Corrigez-les (une adresse par ligne).",
                wrong.join(", ")
            ),
        );
    } else if chosen.is_empty() {
        errors.add("autres", "Cochez ou ajoutez au moins une adresse.");
    } else if chosen.len() > MAX_RECIPIENTS {
        errors.add(
            "autres",
            format!("Une diffusion compte au plus {MAX_RECIPIENTS} adresses."),
        );
    }
    if !errors.is_empty() {
        let page = diffuse_page(&state, &place, ctx, Some(&form), errors).await?;
        return render_with(StatusCode::UNPROCESSABLE_ENTITY, page);
    }
    let mut recipients: Vec<(String, usize, String)> =
        chosen.into_iter().map(|(e, (n, l))| (e, n, l)).collect();
    recipients.sort_by_key(|(_, n, _)| *n);
    let base = place.base();
    let link = format!(
        "{}{}",
        state.config.public_url.trim_end_matches('/'),
        place.public_url()
    );
    let response = once::run(&state.db, &form.once, user.id, async |conn| {
        let programme = store::ensure_programme(conn, place.edition.id, place.district.id).await?;
        let Some((version, content)) = compose::latest(conn, &place).await? else {
            return Err(AppError::Conflict(
                "Publiez le programme avant de le diffuser.".into(),
            ));
        };
        let changes = changes_since_last(conn, &programme, &content).await?;
        let diffusion =
            store::add_diffusion(conn, programme.id, version.id, user.id, &changes.join("\n"))
                .await?;
        let subject = format!(
            "{} — {}",
            crate::text::programme_title(&content.district),
            content.edition
        );
        let text = mail_text(&content, version.number, &link, &changes);
        for (email, _, label) in &recipients {
            let recipient = store::add_recipient(conn, diffusion, email, label).await?;
            jobs::enqueue(
                conn,
                &SendProgrammeMail {
                    recipient,
                    version_id: version.id,
                    link: link.clone(),
                    mail: Mail {
                        to: email.clone(),
                        subject: subject.clone(),
                        text: text.clone(),
                        html: None,
                    },
                },
            )
            .await?;
        }
        Ok(Notice::Saved.at(&format!("{base}/diffuser#journal")))
    })
    .await?;
    state.jobs.notify_one();
    Ok(response)
}

fn mail_text(content: &programme::Content, number: i64, link: &str, changes: &[String]) -> String {
    let mut text = format!(
        "Bonjour,\n\nLa coordination du district {} vous adresse son programme pour la {} \
         (version {number}).\n\nLe programme en ligne : {link}\nIl est aussi joint à ce \
         message (PDF).\n\n",
        content.district, content.edition
    );
    for line in changes {
        text.push_str(line);
        text.push('\n');
    }
    text.push_str(&format!(
        "\nBien cordialement,\nLa coordination du district {}\n",
        content.district
    ));
    text
}

/// The job that sends the programme to one recipient, with the PDF of the
/// version attached, and records how it went on the recipient's row
/// (`sent`, or `failed` with the error; a failure is retried by the worker).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SendProgrammeMail {
    pub recipient: RecipientId,
    pub version_id: i64,
    /// The public page of the programme (absolute).
    pub link: String,
    pub mail: Mail,
}

impl Job for SendProgrammeMail {
    const KIND: &'static str = "programme_mail";

    async fn run(&self, ctx: &JobContext, job_id: i64) -> anyhow::Result<()> {
        // Sent already (by this job before a crash, or by a retry asked for
        // by hand while the worker's own retry waited): never twice.
        {
            let mut db = ctx.db.acquire().await?;
            let found = store::recipient_by_id(&mut db.conn(), self.recipient).await?;
            if found.is_none_or(|(r, _, _)| r.status == "sent") {
                return Ok(());
            }
        }
        let outcome = self.deliver(ctx, job_id).await;
        let mut db = ctx.db.acquire().await?;
        let conn = &mut db.conn();
        match &outcome {
            Ok(()) => store::set_recipient_status(conn, self.recipient, "sent", "").await?,
            Err(err) => {
                let message: String = format!("{err:#}").chars().take(500).collect();
                store::set_recipient_status(conn, self.recipient, "failed", &message).await?
            }
        }
        outcome
    }
}

impl SendProgrammeMail {
    async fn deliver(&self, ctx: &JobContext, job_id: i64) -> anyhow::Result<()> {
        let (version, content) = {
            let mut db = ctx.db.acquire().await?;
            let conn = &mut db.conn();
            let version = store::version_by_id(conn, self.version_id)
                .await?
                .ok_or_else(|| anyhow::anyhow!("programme version {} is gone", self.version_id))?;
            let mut content: programme::Content = serde_json::from_str(&version.content)?;
            // The PDF, like the public page, leaves out the actions unpublished since.
            let ids: Vec<i64> = content.items.iter().map(|i| i.action_id).collect();
            let kept = store::still_published(conn, &ids).await?;
            content.items.retain(|i| kept.contains(&i.action_id));
            (version, content)
        };
        let label = format!(
            "Version {}, publiée le {}",
            version.number,
            format_paris(version.published_at)
        );
        let pdf = super::pdf::render(&content, &label, &self.link);
        let message = build_with_attachment(
            &ctx.config,
            &self.mail,
            "programme.pdf",
            "application/pdf",
            pdf,
        )?;
        ctx.mailer.deliver_message(job_id, message).await
    }
}

/// `POST /programmes/destinataires/{id}/renvoyer`: sends a failed address again.
pub(super) async fn retry(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<RecipientId>,
    CsrfForm(form): CsrfForm<compose::OnceForm>,
) -> AppResult<Response> {
    let (recipient, programme_id, version_id) = {
        let mut db = state.db.acquire().await?;
        store::recipient_by_id(&mut db.conn(), id)
            .await?
            .ok_or(AppError::NotFound)?
    };
    let programme = {
        let mut db = state.db.acquire().await?;
        store::programme_by_id(&mut db.conn(), programme_id)
            .await?
            .ok_or(AppError::NotFound)?
    };
    let place = place(&state, &user, programme.edition_id, programme.district_id).await?;
    place.require_composer()?;
    if recipient.status != "failed" {
        return Err(AppError::Conflict(
            "Ce message n’est pas en échec : il n’y a rien à renvoyer.".into(),
        ));
    }
    let base = place.base();
    let link = format!(
        "{}{}",
        state.config.public_url.trim_end_matches('/'),
        place.public_url()
    );
    let response = once::run(&state.db, form.once(), user.id, async |conn| {
        let (subject, text) = {
            let version = store::version_by_id(conn, version_id)
                .await?
                .ok_or(AppError::NotFound)?;
            let content = content_of(&version)?;
            (
                format!(
                    "{} — {}",
                    crate::text::programme_title(&content.district),
                    content.edition
                ),
                mail_text(&content, version.number, &link, &[]),
            )
        };
        store::set_recipient_status(conn, recipient.id, "pending", &recipient.last_error).await?;
        jobs::enqueue(
            conn,
            &SendProgrammeMail {
                recipient: recipient.id,
                version_id,
                link: link.clone(),
                mail: Mail {
                    to: recipient.email.clone(),
                    subject,
                    text,
                    html: None,
                },
            },
        )
        .await?;
        Ok(Notice::Saved.at(&format!("{base}/diffuser#journal")))
    })
    .await?;
    state.jobs.notify_one();
    Ok(response)
}

/// The partners page of a district.
#[derive(Template)]
#[template(path = "programmes/partners.html")]
struct PartnersPage {
    ctx: PageCtx,
    district_id: DistrictId,
    composes: bool,
    partners: Vec<store::Partner>,
    form: PartnerForm,
    errors: FormErrors,
    /// The partner whose row was sent with errors: that row shows the form
    /// as typed and the errors; the « Ajouter » form stays empty.
    editing: Option<PartnerId>,
}

impl PartnersPage {
    /// Whether `p`'s row is the one sent back with errors.
    fn is_edited(&self, p: &store::Partner) -> bool {
        self.editing == Some(p.id)
    }
    /// The errors of the « Ajouter » form (none when a row was edited).
    fn add_errors(&self) -> FormErrors {
        if self.editing.is_some() {
            FormErrors::default()
        } else {
            self.errors.clone()
        }
    }
    /// The « Ajouter » form's values (empty when a row was edited).
    fn add_form(&self) -> PartnerForm {
        if self.editing.is_some() {
            PartnerForm::default()
        } else {
            self.form.clone()
        }
    }
    /// The edited row's messages, one line.
    fn row_errors(&self) -> String {
        ["nom", "courriel", "type_partenaire"]
            .iter()
            .filter_map(|f| self.errors.get(f))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct PartnerForm {
    nom: String,
    courriel: String,
    type_partenaire: String,
    once: OnceToken,
}

impl PartnerForm {
    fn check(&self) -> Result<(String, String, String), FormErrors> {
        let mut errors = FormErrors::default();
        let name = self.nom.trim();
        if name.is_empty() {
            errors.add("nom", "Indiquez le nom du partenaire.");
        } else if name.chars().count() > 200 {
            errors.add("nom", "Le nom dépasse 200 caractères.");
        }
        let email = Email::parse(&self.courriel);
        if email.is_err() {
            errors.add(
                "courriel",
                "Indiquez une adresse électronique valide, par exemple contact@association.fr.",
            );
        }
        if self.type_partenaire.trim().chars().count() > 100 {
            errors.add("type_partenaire", "Le type dépasse 100 caractères.");
        }
        match email {
            Ok(email) if errors.is_empty() => Ok((
                name.to_string(),
                email.as_str().to_string(),
                self.type_partenaire.trim().to_string(),
            )),
            _ => Err(errors),
        }
    }
}

/// The district, if the person sees it; whether they keep its partners
/// ([`Ability::Review`]); 403 if they do not follow it.
async fn district_access(
    state: &AppState,
    user: &CurrentUser,
    id: DistrictId,
) -> AppResult<(District, bool)> {
    let mut db = state.db.acquire().await?;
    let district = map_store::district_by_id(&mut db.conn(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let at = district.placement();
    if !user.rights.may(Ability::See, &at) {
        return Err(AppError::NotFound);
    }
    if !user.rights.may(Ability::Export, &at) {
        return Err(AppError::forbidden(
            "La liste des partenaires du district est réservée aux coordinations et à la DSDEN.",
        ));
    }
    let composes = user.rights.may(Ability::Review, &at);
    Ok((district, composes))
}

const PARTNERS_REASON: &str = "Seules la coordination du district et la coordination académique tiennent la liste des partenaires.";

async fn partners_page(
    state: &AppState,
    district: &District,
    composes: bool,
    ctx: PageCtx,
    form: PartnerForm,
    errors: FormErrors,
    editing: Option<PartnerId>,
) -> AppResult<PartnersPage> {
    let mut db = state.db.acquire().await?;
    let partners = store::partners_of(&mut db.conn(), district.id).await?;
    Ok(PartnersPage {
        ctx: ctx
            .title(format!("Partenaires du district {}", district.name))
            .crumb(district.name.clone(), format!("/districts/{}", district.id))
            .here(),
        district_id: district.id,
        composes,
        partners,
        form,
        errors,
        editing,
    })
}

/// `GET /districts/{id}/partenaires`
pub(super) async fn partners(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<DistrictId>,
) -> AppResult<Response> {
    let (district, composes) = district_access(&state, &user, id).await?;
    render(
        partners_page(
            &state,
            &district,
            composes,
            ctx,
            PartnerForm::default(),
            FormErrors::default(),
            None,
        )
        .await?,
    )
}

/// `POST /districts/{id}/partenaires`: adds a partner.
pub(super) async fn add_partner(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<DistrictId>,
    CsrfForm(form): CsrfForm<PartnerForm>,
) -> AppResult<Response> {
    let (district, composes) = district_access(&state, &user, id).await?;
    if !composes {
        return Err(AppError::forbidden(PARTNERS_REASON));
    }
    match form.check() {
        Ok((name, email, kind)) => {
            once::run(&state.db, &form.once, user.id, async |conn| {
                store::add_partner(conn, district.id, &name, &email, &kind).await?;
                Ok(Notice::Created.at(&format!("/districts/{}/partenaires", district.id)))
            })
            .await
        }
        Err(errors) => {
            let page = partners_page(&state, &district, composes, ctx, form, errors, None).await?;
            render_with(StatusCode::UNPROCESSABLE_ENTITY, page)
        }
    }
}

async fn partner_access(
    state: &AppState,
    user: &CurrentUser,
    id: PartnerId,
) -> AppResult<(store::Partner, District)> {
    let partner = {
        let mut db = state.db.acquire().await?;
        store::partner_by_id(&mut db.conn(), id)
            .await?
            .ok_or(AppError::NotFound)?
    };
    let (district, composes) = district_access(state, user, partner.district_id).await?;
    if !composes {
        return Err(AppError::forbidden(PARTNERS_REASON));
    }
    Ok((partner, district))
}

/// `POST /partenaires/{id}`: changes a partner.
pub(super) async fn update_partner(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<PartnerId>,
    CsrfForm(form): CsrfForm<PartnerForm>,
) -> AppResult<Response> {
    let (partner, district) = partner_access(&state, &user, id).await?;
    match form.check() {
        Ok((name, email, kind)) => {
            let mut db = state.db.acquire().await?;
            store::update_partner(&mut db.conn(), partner.id, &name, &email, &kind).await?;
            Ok(
                Redirect::to(&Notice::Saved.at(&format!("/districts/{}/partenaires", district.id)))
                    .into_response(),
            )
        }
        Err(errors) => {
            let page =
                partners_page(&state, &district, true, ctx, form, errors, Some(partner.id)).await?;
            render_with(StatusCode::UNPROCESSABLE_ENTITY, page)
        }
    }
}

/// `POST /partenaires/{id}/supprimer`
pub(super) async fn delete_partner(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<PartnerId>,
    CsrfForm(form): CsrfForm<compose::OnceForm>,
) -> AppResult<Response> {
    let (partner, district) = partner_access(&state, &user, id).await?;
    once::run(&state.db, form.once(), user.id, async |conn| {
        store::delete_partner(conn, partner.id).await?;
        Ok(Notice::Deleted.at(&format!("/districts/{}/partenaires", district.id)))
    })
    .await
}
