//! The outbox: every e-mail is a [`SendMail`] job. With SMTP settings it is
//! sent (lettre, one pooled transport for the process); without, it is
//! written as an `.eml` file into the outbox folder.

use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Attachment, Mailbox, MultiPart, SinglePart, header::ContentType},
};
use serde::{Deserialize, Serialize};

use super::{Job, JobContext};
use crate::{
    config::Config,
    db::{Conn, DbResult},
};

/// A rendered e-mail, as stored in the job's payload.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
}

/// The job that sends one [`Mail`].
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SendMail(pub Mail);

impl Job for SendMail {
    const KIND: &'static str = "mail";

    async fn run(&self, ctx: &JobContext, job_id: i64) -> anyhow::Result<()> {
        ctx.mailer.deliver(&ctx.config, job_id, &self.0).await
    }
}

/// The job that sends a [`Mail`] with an iCalendar object attached
/// (`invitation.ics`, `text/calendar; method=…`): mail clients offer to add
/// the event to the calendar, or to remove it (`CANCEL`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SendCalendarMail {
    pub mail: Mail,
    /// The whole `VCALENDAR` text.
    pub calendar: String,
    /// Its `METHOD` (`REQUEST`, `CANCEL`, `PUBLISH`).
    pub method: String,
}

impl Job for SendCalendarMail {
    const KIND: &'static str = "mail_calendar";

    async fn run(&self, ctx: &JobContext, job_id: i64) -> anyhow::Result<()> {
        let message = build_with_calendar(&ctx.config, &self.mail, &self.calendar, &self.method)?;
        ctx.mailer.deliver_message(job_id, message).await
    }
}

/// Puts a mail in the outbox, inside the caller's transaction.
pub async fn enqueue(conn: &mut Conn<'_>, mail: &Mail) -> DbResult<i64> {
    super::enqueue(conn, &SendMail(mail.clone())).await
}

/// Where mails go: one SMTP transport (with its connection pool) kept for the
/// process, or the outbox folder.
pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Outbox(std::path::PathBuf),
}

impl Mailer {
    /// Builds the transport named by `SMTP_URL`, or the outbox.
    pub fn new(config: &Config) -> anyhow::Result<Mailer> {
        Ok(match &config.smtp_url {
            Some(url) => Mailer::Smtp(AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?.build()),
            None => Mailer::Outbox(config.outbox_dir.clone()),
        })
    }

    /// Sends (or writes) one mail; `job_id` names the `.eml` file, so a retry
    /// rewrites the same file.
    pub async fn deliver(&self, config: &Config, job_id: i64, mail: &Mail) -> anyhow::Result<()> {
        self.deliver_message(job_id, build(config, mail)?).await
    }

    /// Sends (or writes) a built message; see [`Mailer::deliver`].
    pub async fn deliver_message(&self, job_id: i64, message: Message) -> anyhow::Result<()> {
        match self {
            Mailer::Smtp(transport) => {
                transport.send(message).await?;
            }
            Mailer::Outbox(dir) => {
                tokio::fs::create_dir_all(dir).await?;
                // Written aside, then renamed: a reader of the folder never
                // sees half a mail.
                let path = dir.join(format!("{job_id:08}.eml"));
                let partial = dir.join(format!("{job_id:08}.eml.part"));
                tokio::fs::write(&partial, message.formatted()).await?;
                tokio::fs::rename(&partial, &path).await?;
            }
        }
        Ok(())
    }
}

fn build_with_calendar(
    config: &Config,
    mail: &Mail,
    calendar: &str,
    method: &str,
) -> anyhow::Result<Message> {
    let builder = Message::builder()
        .from(config.mail_from.parse::<Mailbox>()?)
        .to(mail.to.parse::<Mailbox>()?)
        .subject(&mail.subject);
    let content_type =
        ContentType::parse(&format!("text/calendar; charset=utf-8; method={method}"))?;
    Ok(builder.multipart(
        MultiPart::mixed()
            .singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_PLAIN)
                    .body(mail.text.clone()),
            )
            .singlepart(
                Attachment::new("invitation.ics".into()).body(calendar.to_string(), content_type),
            ),
    )?)
}

fn build(config: &Config, mail: &Mail) -> anyhow::Result<Message> {
    let builder = Message::builder()
        .from(config.mail_from.parse::<Mailbox>()?)
        .to(mail.to.parse::<Mailbox>()?)
        .subject(&mail.subject);
    let text = SinglePart::builder()
        .header(lettre::message::header::ContentType::TEXT_PLAIN)
        .body(mail.text.clone());
    Ok(match &mail.html {
        None => builder.singlepart(text)?,
        Some(html) => builder.multipart(
            MultiPart::alternative().singlepart(text).singlepart(
                SinglePart::builder()
                    .header(lettre::message::header::ContentType::TEXT_HTML)
                    .body(html.clone()),
            ),
        )?,
    })
}

/// A [`Mail`] (its text part) with one file attached: `name`, its content
/// type (`application/pdf`…) and its bytes (base64 in the message).
pub fn build_with_attachment(
    config: &Config,
    mail: &Mail,
    name: &str,
    content_type: &str,
    bytes: Vec<u8>,
) -> anyhow::Result<Message> {
    let builder = Message::builder()
        .from(config.mail_from.parse::<Mailbox>()?)
        .to(mail.to.parse::<Mailbox>()?)
        .subject(&mail.subject);
    Ok(builder.multipart(
        MultiPart::mixed()
            .singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_PLAIN)
                    .body(mail.text.clone()),
            )
            .singlepart(
                Attachment::new(name.to_string()).body(bytes, ContentType::parse(content_type)?),
            ),
    )?)
}
