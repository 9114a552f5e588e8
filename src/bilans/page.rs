//! The bilan of one action: the form of its owner (draft saved, submitted
//! before the deadline), the bilan as read by the coordinations, and the
//! coordinator's sending back for completion.

use askama::Template;
use axum::{
    extract::{FromRequest, Request, State},
    http::{StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use chrono::Utc;
use serde::Deserialize;

use super::store::{self, Bilan, Content};
use crate::{
    actions::{store as actions_store, store::Action, workflow},
    domain::media::{Consent, DESCRIPTION_MAX},
    domain::{
        BilanRights,
        bilan::{
            self, ATTENDANCE, BilanInput, BilanQuestion, BilanQuestionKind, BilanState, SCALE,
            TookPlace,
        },
        formats::format_date,
        ids::{ActionId, BilanQuestionId},
        school::SchoolKind,
    },
    editions::store::{self as editions_store, Edition},
    files::upload::{Upload, UploadedFile},
    jobs::{
        self,
        mail::{self, Mail},
    },
    map::store as map_store,
    media::{
        self as media_feature, MediaView,
        chosen::{self, Chosen, HeldView},
        pipeline::{self, ProcessMedia},
        store::{self as media_store, NewMedia},
    },
    web::{
        AppError, AppResult, AppState, CsrfForm, CurrentUser, FormErrors, Notice, OnceToken,
        PageCtx,
        extract::Path,
        once::{self, Ran, Step},
        render_with,
    },
};

/// The action, the person's rights on its bilan, its edition and bilan.
pub(super) struct Loaded {
    pub action: Action,
    pub rights: BilanRights,
    pub edition: Edition,
    pub questions: Vec<BilanQuestion>,
    pub bilan: Option<Bilan>,
    pub answers: Vec<(BilanQuestionId, String)>,
    /// The school's plausible number of pupils.
    pub capacity: Option<i64>,
    /// The bilan's photos (every state: whoever reads the bilan sees them).
    pub photos: Vec<MediaView>,
    /// The person is the académie's coordination (approves the photos).
    pub coordinator: bool,
}

impl Loaded {
    /// Whether the bilan may still be written now.
    fn open(&self) -> bool {
        bilan::bilan_open(
            self.edition.bilan_deadline,
            self.bilan.as_ref().and_then(|b| b.extended_until),
            Utc::now(),
        )
    }

    fn state(&self) -> Option<BilanState> {
        self.bilan.as_ref().map(|b| b.state)
    }

    /// The person may write it now: their right, not submitted, in time.
    fn editable(&self) -> bool {
        self.rights.write && self.state() != Some(BilanState::Submitted) && self.open()
    }

    fn version(&self) -> i64 {
        self.bilan.as_ref().map_or(0, |b| b.version)
    }

    fn stored_input(&self) -> BilanInput {
        self.bilan
            .as_ref()
            .map(|b| b.input(self.answers.clone()))
            .unwrap_or_default()
    }
}

/// Loads what the bilan page needs: 404 for an action the person may not
/// see; 403 when they see it but it has no bilan for them (not validated).
pub(super) async fn load(state: &AppState, user: &CurrentUser, id: ActionId) -> AppResult<Loaded> {
    let mut db = state.db.acquire().await?;
    let conn = &mut db.conn();
    let action = actions_store::action_by_id(conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let relation = workflow::relation(user, &action);
    if !relation.can_view(action.state()) {
        return Err(AppError::NotFound);
    }
    let rights = BilanRights::of(relation, action.state());
    if !rights.read {
        return Err(AppError::forbidden(format!(
            "Seule une action validée a un bilan ; celle-ci est « {} ».",
            action.state().label()
        )));
    }
    let edition = editions_store::edition_by_id(conn, action.edition_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let questions = store::questions(conn, edition.id).await?;
    let bilan = store::bilan(conn, id).await?;
    let answers = store::answers(conn, id).await?;
    let capacity = match action.school_id {
        Some(school) => map_store::school_by_id(conn, school)
            .await?
            .map(|s| bilan::pupil_capacity(SchoolKind::from_code(&s.kind))),
        None => None,
    };
    let photos = media_store::media_of(conn, media_feature::BILAN, id.0)
        .await?
        .iter()
        .map(MediaView::new)
        .collect();
    let coordinator = user.rights.manages_academy(action.academy_id);
    Ok(Loaded {
        photos,
        coordinator,
        action,
        rights,
        edition,
        questions,
        bilan,
        answers,
        capacity,
    })
}

/// The bilan page: the form, or the bilan as sent.
#[derive(Template)]
#[template(path = "bilans/bilan.html")]
struct BilanPage {
    ctx: PageCtx,
    loaded: Loaded,
    input: BilanInput,
    errors: FormErrors,
    warnings: FormErrors,
    /// Why the form cannot be written (deadline passed), if so.
    closed: Option<String>,
    /// The sending-back comment as typed (kept on error).
    comment: String,
    attendance: Vec<(&'static str, &'static str, String)>,
    /// Show the form even though it can no longer be sent (a form posted
    /// after the deadline comes back with everything typed).
    keep_form: bool,
    /// The photo's description and consent tick as typed (kept on error).
    photo: PhotoFields,
    /// The photo received with a refused submission, kept for the next one
    /// (`files::held`): not asked for again, stored once.
    held: Option<HeldView>,
    consents: [Consent; 2],
    /// Where the photo decisions come back to.
    here: String,
}

/// The photo fields of the bilan form, as typed.
#[derive(Clone, Debug, Default)]
pub(super) struct PhotoFields {
    pub description: String,
    pub consent: String,
    /// The hidden field naming a photo held from a refused submission.
    pub held: String,
}

impl BilanPage {
    fn editable(&self) -> bool {
        self.loaded.editable() || self.keep_form
    }

    fn version(&self) -> i64 {
        self.loaded.version()
    }

    fn deadline(&self) -> String {
        let b = &self.loaded;
        let deadline = format_date(b.edition.bilan_deadline);
        match b.bilan.as_ref().and_then(|b| b.extended_until) {
            Some(until) if until > b.edition.bilan_deadline => {
                format!(
                    "{deadline}, prolongée jusqu'au {} inclus",
                    format_date(until)
                )
            }
            _ => format!("{deadline} inclus"),
        }
    }

    fn state_label(&self) -> &'static str {
        match self.loaded.state() {
            None => "Pas encore commencé",
            Some(s) => s.label(),
        }
    }

    fn took_place_choices(&self) -> Vec<(&'static str, &'static str)> {
        TookPlace::ALL
            .iter()
            .map(|t| (t.code(), t.label()))
            .collect()
    }

    fn took_place_label(&self) -> &'static str {
        TookPlace::parse(&self.input.took_place).map_or("Non renseigné", |t| t.label())
    }

    fn is_scale(&self, q: &BilanQuestion) -> bool {
        q.kind == BilanQuestionKind::Scale
    }

    fn field(&self, q: &BilanQuestion) -> String {
        format!("q{}", q.id)
    }

    fn answer(&self, q: &BilanQuestion) -> String {
        self.input.answer(q.id).to_string()
    }

    fn scale(&self) -> Vec<(String, &'static str)> {
        SCALE
            .iter()
            .enumerate()
            .map(|(i, l)| ((i + 1).to_string(), *l))
            .collect()
    }

    fn photos_full(&self) -> bool {
        self.loaded.photos.len() >= PHOTOS_MAX
    }

    fn return_comment(&self) -> Option<String> {
        self.loaded
            .bilan
            .as_ref()
            .filter(|b| b.state == BilanState::Returned && !b.return_comment.is_empty())
            .map(|b| b.return_comment.clone())
    }
}

fn page(
    ctx: PageCtx,
    loaded: Loaded,
    input: BilanInput,
    errors: FormErrors,
    comment: String,
) -> BilanPage {
    let loaded_id = loaded.action.id;
    let examined = bilan::examine(&input, &loaded.questions, false, loaded.capacity);
    let mut warnings = FormErrors::default();
    for (field, message) in examined.warnings {
        warnings.add(&field, message);
    }
    let closed =
        (loaded.rights.write && loaded.state() != Some(BilanState::Submitted) && !loaded.open())
            .then(|| closed_message(&loaded));
    let attendance = ATTENDANCE
        .iter()
        .zip(&input.attendance)
        .map(|((field, label), value)| (*field, *label, value.clone()))
        .collect();
    let title = if loaded.action.title.is_empty() {
        "Bilan de l'action".to_string()
    } else {
        format!("Bilan : {}", loaded.action.title)
    };
    let ctx = ctx
        .title(title)
        .crumb(
            loaded.edition.title(),
            format!("/editions/{}", loaded.edition.id),
        )
        .crumb(
            if loaded.action.title.is_empty() {
                "Action sans titre".to_string()
            } else {
                loaded.action.title.clone()
            },
            format!("/actions/{}", loaded.action.id),
        )
        .here();
    BilanPage {
        ctx,
        loaded,
        input,
        errors,
        warnings,
        closed,
        comment,
        attendance,
        keep_form: false,
        photo: PhotoFields::default(),
        held: None,
        consents: Consent::ALL,
        here: format!("/actions/{}/bilan", loaded_id),
    }
}

fn closed_message(loaded: &Loaded) -> String {
    format!(
        "La date limite des bilans de cette édition est passée ({}) : le bilan ne peut plus être \
         modifié ni transmis. Si vous avez besoin d'un délai, écrivez à {} : la coordination peut \
         vous renvoyer le bilan pour le compléter.",
        format_date(loaded.edition.bilan_deadline),
        loaded.edition.contact_email
    )
}

/// `GET /actions/{id}/bilan`
pub(super) async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<ActionId>,
) -> AppResult<Response> {
    let loaded = load(&state, &user, id).await?;
    let input = loaded.stored_input();
    render_with(
        StatusCode::OK,
        page(ctx, loaded, input, FormErrors::default(), String::new()),
    )
}

/// The form as sent: the bilan's fields, the version and the intent.
struct Sent {
    input: BilanInput,
    version: i64,
    submit: bool,
    once: OnceToken,
    photo: PhotoFields,
}

impl Sent {
    fn read(pairs: &[(String, String)], questions: &[BilanQuestion]) -> Sent {
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let input = BilanInput {
            took_place: get("took_place"),
            reason: get("reason"),
            attendance: ATTENDANCE.map(|(field, _)| get(field)),
            feedback: get("feedback"),
            vigilance: get("vigilance"),
            perspectives: get("perspectives"),
            answers: questions
                .iter()
                .map(|q| (q.id, get(&format!("q{}", q.id))))
                .collect(),
        };
        Sent {
            input,
            version: get("version").trim().parse().unwrap_or(-1),
            submit: get("intent") == "submit",
            once: OnceToken::from_pairs(pairs),
            photo: PhotoFields {
                description: get("photo_description"),
                consent: get("photo_consent"),
                held: get("photo_held"),
            },
        }
    }
}

/// The most photos of one bilan.
pub const PHOTOS_MAX: usize = 5;

/// The limit of the bilan form with a photo: the photo's limit and room for
/// every text field of the bilan.
const FORM_MAX_BYTES: u64 = pipeline::MAX_BYTES + 512 * 1024;

/// The bilan form as sent, its anti-forgery token checked: URL-encoded (no
/// photo field), or `multipart/form-data` when the page's form carries the
/// photo field (size limit checked before the body is read:
/// `files::upload::Upload`).
pub(super) struct BilanForm {
    pairs: Vec<(String, String)>,
    photo: Option<UploadedFile>,
}

impl<S: Send + Sync> FromRequest<S> for BilanForm {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let multipart = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim_start().starts_with("multipart/form-data"));
        if multipart {
            let upload = Upload::<FORM_MAX_BYTES>::from_request(request, state).await?;
            let photo = upload.file("photo").cloned();
            Ok(BilanForm {
                pairs: upload.fields,
                photo,
            })
        } else {
            let CsrfForm(pairs) =
                CsrfForm::<Vec<(String, String)>>::from_request(request, state).await?;
            Ok(BilanForm { pairs, photo: None })
        }
    }
}

/// Checks the photo sent with the bilan, if any (issue 11: « optional
/// photos, through the safe upload pipeline, with consent »; the rules of
/// issue 9, `media::pipeline::accept`). Refusals go to `errors`, in French.
async fn check_file(
    file: Option<&UploadedFile>,
    errors: &mut FormErrors,
) -> Option<pipeline::Accepted> {
    match pipeline::accept(file?, false).await {
        Ok(accepted) => Some(accepted),
        Err(message) => {
            errors.add("photo", message);
            None
        }
    }
}

/// Checks what is typed about a photo that comes with the bilan (sent now or
/// held): at most [`PHOTOS_MAX`], a description of at most
/// `DESCRIPTION_MAX` characters, and one at all when the consent tick would
/// let it be published. Without the tick the photo is kept private (the page
/// says so). Refusals go to `errors`, in French.
fn check_photo_fields(fields: &PhotoFields, existing: usize, errors: &mut FormErrors) {
    let description = fields.description.trim();
    let count = description.chars().count();
    if existing >= PHOTOS_MAX {
        errors.add(
            "photo",
            format!("Un bilan compte {PHOTOS_MAX} photos au plus : retirez-en une d'abord."),
        );
    }
    if count > DESCRIPTION_MAX {
        errors.add(
            "photo_description",
            crate::domain::declaration::too_long("La description", DESCRIPTION_MAX, count),
        );
    } else if count == 0 && Consent::parse(&fields.consent).is_some() {
        errors.add(
            "photo_description",
            "Décrivez la photo (ce qu'elle montre, pour les personnes qui ne la voient pas) : \
             avec l'attestation de droit à l'image elle pourra être publiée, et une image \
             publiée a toujours une description.",
        );
    }
}

/// `POST /actions/{id}/bilan`: saves the draft (`intent=save`) or saves and
/// submits it (`intent=submit`). Well-formed fields are saved even when
/// others are wrong; a submission that lacks something saves the draft and
/// comes back with the flags; nothing typed is lost. A photo is attached
/// when the form goes through; with a form that comes back, it is held
/// (`files::held`, stored once, named by a hidden field) and attached by the
/// corrected submission, which does not ask for it again.
pub(super) async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<ActionId>,
    form: BilanForm,
) -> AppResult<Response> {
    let pairs = form.pairs;
    let loaded = load(&state, &user, id).await?;
    if !loaded.rights.write {
        return Err(AppError::forbidden(
            "Seuls le porteur de l'action et le chef d'établissement remplissent son bilan.",
        ));
    }
    let sent = Sent::read(&pairs, &loaded.questions);
    if loaded.state() == Some(BilanState::Submitted) {
        return Err(AppError::Conflict(
            "Ce bilan est déjà transmis : rien n'a été modifié. La coordination peut vous le \
             renvoyer pour le compléter."
                .into(),
        ));
    }
    let csrf = ctx.csrf.clone();
    let held = chosen::read_held(&state.db, &sent.photo.held, &csrf).await?;
    if !loaded.open() {
        let mut errors = FormErrors::default();
        errors.add("took_place", closed_message(&loaded));
        let mut page = page(ctx, loaded, sent.input, errors, String::new());
        page.keep_form = true;
        page.photo = sent.photo;
        page.held = held.as_ref().map(|h| HeldView::new(h, &csrf));
        return render_with(StatusCode::UNPROCESSABLE_ENTITY, page);
    }
    let mut photo_errors = FormErrors::default();
    let accepted = check_file(form.photo.as_ref(), &mut photo_errors).await;
    // A file chosen now replaces the one held, if any.
    let replaced = held
        .as_ref()
        .filter(|_| accepted.is_some())
        .map(|h| h.key.clone());
    let photo = Chosen::pick(accepted, held);
    if photo.is_some() {
        check_photo_fields(&sent.photo, loaded.photos.len(), &mut photo_errors);
    }
    let photo_ok = photo_errors.is_empty();
    let draft = bilan::examine(&sent.input, &loaded.questions, false, loaded.capacity);
    let full = bilan::examine(&sent.input, &loaded.questions, true, loaded.capacity);
    let flagged: Vec<String> = draft.errors.iter().map(|(f, _)| f.clone()).collect();
    // A refused photo keeps the bilan a draft: it comes back to be fixed.
    let submit = sent.submit && full.errors.is_empty() && photo_ok;
    let next = match (submit, loaded.state()) {
        (true, _) => BilanState::Submitted,
        (false, Some(BilanState::Returned)) => BilanState::Returned,
        (false, _) => BilanState::Draft,
    };
    let show = format!("/actions/{id}/bilan");
    let notice = if submit {
        Notice::BilanSubmitted
    } else {
        Notice::BilanSaved
    };
    let clean = (full.errors.is_empty() || !sent.submit && draft.errors.is_empty()) && photo_ok;
    // The photo is stored before the transaction (once: a held one already
    // is); its row is written with the bilan's when the form goes through,
    // else it is held for the form that comes back. A file stored here is
    // deleted again if nothing was written.
    let (attach, holding) = match (&photo, clean) {
        (Some(photo), true) => (Some(photo.store(&state.files).await?), None),
        (Some(photo), false) => (None, Some(photo.hold(&state.files).await?)),
        (None, _) => (None, None),
    };
    let fresh = match (&attach, &photo, &holding) {
        (Some(stored), _, _) if stored.fresh => Some(stored.key.clone()),
        (_, Some(Chosen::Sent(_)), Some(held)) => Some(held.key.clone()),
        _ => None,
    };
    let photo_description = sent.photo.description.trim();
    let consent = Consent::parse(&sent.photo.consent);
    let ran = once::guard(&state.db, &sent.once, user.id, async |conn| {
        let content = Content {
            input: &sent.input,
            checked: &draft.checked,
            flagged: &flagged,
        };
        let edition = loaded.edition.id;
        if !store::save(conn, id, edition, sent.version, content, next).await? {
            return Ok(Step::Abort(false));
        }
        if let Some(stored) = &attach {
            // A held photo is attached once, whatever the pages sent again.
            if stored.fresh || !media_store::names_file(conn, stored.key.as_str()).await? {
                let media = media_store::insert(
                    conn,
                    &NewMedia {
                        edition_id: edition,
                        school_id: loaded.action.school_id,
                        uploader_id: user.id,
                        owner_kind: media_feature::BILAN,
                        owner_id: id.0,
                        kind: stored.kind,
                        file_name: &stored.file_name,
                        byte_size: stored.byte_size,
                        master_key: stored.key.as_str(),
                        description: photo_description,
                        consent,
                    },
                )
                .await?;
                jobs::enqueue(conn, &ProcessMedia { media }).await?;
            }
        }
        Ok(Step::Commit(
            if clean {
                notice.at(&show)
            } else {
                show.clone()
            },
            true,
        ))
    })
    .await;
    let stored = matches!(ran, Ok(Ran::Did(true)));
    if stored && attach.is_some() {
        state.jobs.notify_one();
    }
    chosen::tidy(&state.files, fresh.as_ref(), replaced.as_ref(), stored).await;
    match ran? {
        Ran::Repeat(answer) => Ok(answer),
        Ran::Did(false) => Err(AppError::Conflict(
            "Ce bilan a été modifié depuis une autre page pendant que vous le remplissiez : rien \
             n'a été enregistré. Rechargez la page pour voir sa version actuelle."
                .into(),
        )),
        Ran::Did(true) if clean => Ok(Redirect::to(&notice.at(&show)).into_response()),
        Ran::Did(true) => {
            // Saved what was well formed; the form comes back with the flags.
            let loaded = load(&state, &user, id).await?;
            let mut errors = FormErrors::default();
            let shown = if sent.submit {
                full.errors
            } else {
                draft.errors
            };
            for (field, message) in shown {
                errors.add(&field, message);
            }
            for (field, message) in photo_errors.list() {
                errors.add(field, message.clone());
            }
            let mut page = page(ctx, loaded, sent.input, errors, String::new());
            // What was typed about the photo is kept, and the photo itself
            // is held for the corrected submission.
            page.photo = sent.photo;
            page.held = holding.as_ref().map(|h| HeldView::new(h, &csrf));
            render_with(StatusCode::UNPROCESSABLE_ENTITY, page)
        }
    }
}

#[derive(Deserialize)]
pub(super) struct ReturnForm {
    #[serde(default)]
    comment: String,
    #[serde(default)]
    version: i64,
    #[serde(default)]
    once: OnceToken,
}

/// The longest sending-back comment, in characters.
const COMMENT_MAX: usize = 5_000;

/// `POST /actions/{id}/bilan/renvoi`: a coordinator sends a submitted bilan
/// back to its owner for completion, with what to complete; the owner gets
/// two more weeks if the deadline is nearer, and an e-mail.
pub(super) async fn send_back(
    State(state): State<AppState>,
    user: CurrentUser,
    ctx: PageCtx,
    Path(id): Path<ActionId>,
    CsrfForm(form): CsrfForm<ReturnForm>,
) -> AppResult<Response> {
    let loaded = load(&state, &user, id).await?;
    if !loaded.rights.send_back {
        return Err(AppError::forbidden(
            "Seule la coordination (district ou académie) renvoie un bilan pour qu'il soit \
             complété, et jamais celui d'une action qu'elle a déclarée elle-même.",
        ));
    }
    if loaded.state() != Some(BilanState::Submitted) {
        return Err(AppError::Conflict(
            "Ce bilan n'est pas (ou plus) transmis : il n'y a rien à renvoyer.".into(),
        ));
    }
    let comment = form.comment.trim().to_string();
    let count = comment.chars().count();
    let problem = if count == 0 {
        Some(
            "Expliquez ce qu'il faut compléter : le porteur de l'action recevra votre commentaire."
                .to_string(),
        )
    } else if count > COMMENT_MAX {
        Some(crate::domain::declaration::too_long(
            "Le commentaire",
            COMMENT_MAX,
            count,
        ))
    } else {
        None
    };
    if let Some(message) = problem {
        let mut errors = FormErrors::default();
        errors.add("comment", message);
        let input = loaded.stored_input();
        return render_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            page(ctx, loaded, input, errors, form.comment),
        );
    }
    let until = bilan::extension_after_return(loaded.edition.bilan_deadline, Utc::now());
    let show = format!("/actions/{id}/bilan");
    let link = format!("{}{show}", state.config.base_url());
    let mail = Mail {
        to: loaded.action.owner_email.clone(),
        subject: format!("Bilan à compléter : {}", loaded.action.title),
        text: format!(
            "Bonjour,\n\nLa coordination vous renvoie le bilan de l'action « {} » pour que vous le \
             complétiez :\n\n{comment}\n\nVous pouvez le modifier et le transmettre à nouveau \
             jusqu'au {} inclus :\n{link}\n\n--\nPersévérance — Semaine de la persévérance scolaire\n",
            loaded.action.title,
            format_date(until)
        ),
        html: None,
    };
    let ran = once::guard(&state.db, &form.once, user.id, async |conn| {
        if !store::send_back(conn, id, form.version, &comment, until).await? {
            return Ok(Step::Abort(false));
        }
        mail::enqueue(conn, &mail).await?;
        Ok(Step::Commit(Notice::BilanReturned.at(&show), true))
    })
    .await?;
    match ran {
        Ran::Repeat(answer) => Ok(answer),
        Ran::Did(true) => {
            state.jobs.notify_one();
            Ok(Redirect::to(&Notice::BilanReturned.at(&show)).into_response())
        }
        Ran::Did(false) => Err(AppError::Conflict(
            "Ce bilan a changé pendant que vous le lisiez : rien n'a été renvoyé. Rechargez la page."
                .into(),
        )),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct ExtendForm {
    once: OnceToken,
}

/// Gives an unsent bilan (not begun, a draft, or sent back) two more weeks
/// from today (never before the deadline), with an e-mail to the owner: the
/// coordination's answer to « a bilan after the deadline without an
/// extension », which the owner's form refuses.
pub(super) async fn extend(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<ActionId>,
    CsrfForm(form): CsrfForm<ExtendForm>,
) -> AppResult<Response> {
    let loaded = load(&state, &user, id).await?;
    if !loaded.rights.send_back {
        return Err(AppError::forbidden(
            "Seule la coordination (district ou académie) prolonge le délai d'un bilan, et \
             jamais celui d'une action qu'elle a déclarée elle-même.",
        ));
    }
    if loaded.state() == Some(BilanState::Submitted) {
        return Err(AppError::Conflict(
            "Ce bilan est déjà transmis : pour le faire compléter, renvoyez-le au porteur de \
             l'action avec un commentaire."
                .into(),
        ));
    }
    let until = bilan::extension_after_return(loaded.edition.bilan_deadline, Utc::now());
    let show = format!("/actions/{id}/bilan");
    let link = format!("{}{show}", state.config.base_url());
    let mail = Mail {
        to: loaded.action.owner_email.clone(),
        subject: format!("Délai prolongé pour le bilan : {}", loaded.action.title),
        text: format!(
            "Bonjour,\n\nLa coordination prolonge le délai du bilan de l'action « {} » : vous \
             pouvez le remplir et le transmettre jusqu'au {} inclus :\n{link}\n\n--\n\
             Persévérance — Semaine de la persévérance scolaire\n",
            loaded.action.title,
            format_date(until)
        ),
        html: None,
    };
    let edition = loaded.edition.id;
    let ran = once::guard(&state.db, &form.once, user.id, async |conn| {
        if !store::extend(conn, id, edition, until).await? {
            return Ok(Step::Abort(false));
        }
        mail::enqueue(conn, &mail).await?;
        Ok(Step::Commit(Notice::Saved.at(&show), true))
    })
    .await?;
    match ran {
        Ran::Repeat(answer) => Ok(answer),
        Ran::Did(true) => {
            state.jobs.notify_one();
            Ok(Redirect::to(&Notice::Saved.at(&show)).into_response())
        }
        Ran::Did(false) => Err(AppError::Conflict(
            "Ce bilan vient d'être transmis : son délai n'a plus à être prolongé.".into(),
        )),
    }
}
