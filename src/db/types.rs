//! Stored codes decoded by sqlx into their domain enums, on both engines.
//!
//! A column such as `actions.state` holds the enum's `code()`; decoding goes
//! through the enum's `parse`, and a value it does not know is a decoding
//! error (`sqlx::Error::ColumnDecode`, naming the column), never a silent
//! default. The domain core stays free of sqlx: the impls live here.

use sqlx::{
    Decode, Encode, Postgres, Sqlite, Type,
    encode::IsNull,
    error::BoxDynError,
    postgres::{PgArgumentBuffer, PgTypeInfo, PgValueRef},
    sqlite::{SqliteArgumentValue, SqliteTypeInfo, SqliteValueRef},
};

use crate::domain::{
    action::ActionState,
    bilan::{BilanQuestionKind, BilanState},
    checklist::Phase,
    declaration::QuestionKind,
    edition::EditionState,
    media::{MediaKind, MediaState},
    meeting::Seat,
    resource::{Audience, ResourceKind},
    roles::{Role, ScopeKind},
};

/// An unknown code read from the database.
#[derive(Debug, thiserror::Error)]
#[error("unknown {what} code « {code} » in the database")]
pub struct UnknownCode {
    what: &'static str,
    code: String,
}

macro_rules! text_enum {
    ($($ty:ty => $what:literal),* $(,)?) => {$(
        impl Type<Sqlite> for $ty {
            fn type_info() -> SqliteTypeInfo {
                <str as Type<Sqlite>>::type_info()
            }
            fn compatible(ty: &SqliteTypeInfo) -> bool {
                <str as Type<Sqlite>>::compatible(ty)
            }
        }
        impl Type<Postgres> for $ty {
            fn type_info() -> PgTypeInfo {
                <str as Type<Postgres>>::type_info()
            }
            fn compatible(ty: &PgTypeInfo) -> bool {
                <str as Type<Postgres>>::compatible(ty)
            }
        }
        impl<'r> Decode<'r, Sqlite> for $ty {
            fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
                let code = <&str as Decode<Sqlite>>::decode(value)?;
                <$ty>::parse(code).ok_or_else(|| UnknownCode { what: $what, code: code.into() }.into())
            }
        }
        impl<'r> Decode<'r, Postgres> for $ty {
            fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
                let code = <&str as Decode<Postgres>>::decode(value)?;
                <$ty>::parse(code).ok_or_else(|| UnknownCode { what: $what, code: code.into() }.into())
            }
        }
        impl<'q> Encode<'q, Sqlite> for $ty {
            fn encode_by_ref(&self, buf: &mut Vec<SqliteArgumentValue<'q>>) -> Result<IsNull, BoxDynError> {
                <&str as Encode<Sqlite>>::encode(self.code(), buf)
            }
        }
        impl Encode<'_, Postgres> for $ty {
            fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
                <&str as Encode<Postgres>>::encode(self.code(), buf)
            }
        }
    )*};
}

text_enum!(
    ActionState => "action state",
    BilanState => "bilan state",
    BilanQuestionKind => "bilan question kind",
    EditionState => "edition state",
    QuestionKind => "question kind",
    Role => "role",
    ScopeKind => "scope kind",
    Seat => "meeting seat",
    Phase => "checklist phase",
    ResourceKind => "resource kind",
    MediaState => "media state",
    MediaKind => "media kind",
    Audience => "resource audience",
);
