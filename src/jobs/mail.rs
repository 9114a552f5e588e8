//! The outbox: every e-mail is a job. With SMTP settings it is sent (lettre);
//! without, it is written as an `.eml` file into the outbox folder.

use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, MultiPart, SinglePart},
};
use serde::{Deserialize, Serialize};

use crate::{config::Config, db::Tx};

pub const KIND: &str = "mail";

/// A rendered e-mail, as stored in the job's payload.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
}

/// Puts a mail in the outbox, inside the caller's transaction.
pub async fn enqueue(tx: &mut Tx, mail: &Mail) -> sqlx::Result<i64> {
    super::enqueue(
        tx,
        KIND,
        &serde_json::to_value(mail).expect("a mail serialises"),
    )
    .await
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

/// Sends (or writes) one mail; `job_id` names the `.eml` file, so a retry
/// rewrites the same file.
pub async fn deliver(config: &Config, job_id: i64, mail: &Mail) -> anyhow::Result<()> {
    let message = build(config, mail)?;
    match &config.smtp_url {
        Some(url) => {
            let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?.build();
            transport.send(message).await?;
        }
        None => {
            tokio::fs::create_dir_all(&config.outbox_dir).await?;
            let path = config.outbox_dir.join(format!("{job_id:08}.eml"));
            tokio::fs::write(path, message.formatted()).await?;
        }
    }
    Ok(())
}
