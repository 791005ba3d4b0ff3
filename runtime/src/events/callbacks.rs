//! Callbacks whose answer the user sees: a card's button, form or menu (`card.action.trigger`)
//! and a link's preview (`url.preview.get`). The handler's reply goes back in the HTTP
//! response of a webhook, or in the ACK frame of the long connection; Feishu shows its toast
//! and card to the user who acted.
//!
//! Every member of the events is optional: Feishu adds members over time and leaves out
//! the ones a host has no value for.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The event type of a card interaction (button, form, select, date picker …).
pub const CARD_ACTION_TRIGGER: &str = "card.action.trigger";
/// The event type of a link preview request.
pub const URL_PREVIEW_GET: &str = "url.preview.get";
/// The type the long connection's `card` frames are dispatched as: card callbacks in the
/// older (pre-2.0) format, handled with [`EventDispatcher::on_callback`] under this name.
///
/// [`EventDispatcher::on_callback`]: super::EventDispatcher::on_callback
pub const LEGACY_CARD_ACTION: &str = "card";

/// Who acted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Operator {
    pub tenant_key: Option<String>,
    pub user_id: Option<String>,
    pub open_id: Option<String>,
    pub union_id: Option<String>,
}

/// Where it happened: the message and chat of the card, or the URL being previewed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct CallbackContext {
    pub url: Option<String>,
    pub preview_token: Option<String>,
    pub open_message_id: Option<String>,
    pub open_chat_id: Option<String>,
}

/// What the user did on the card.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct CardActionDetail {
    /// The `value` the card's component carries, as the card defined it.
    pub value: Option<Value>,
    /// The component: `button`, `select_static`, `input`, `form`, …
    pub tag: Option<String>,
    /// The chosen option of a select.
    pub option: Option<String>,
    /// The chosen options of a multi-select.
    pub options: Option<Vec<String>>,
    pub timezone: Option<String>,
    /// The component's `name`.
    pub name: Option<String>,
    /// A submitted form's values by component name.
    pub form_value: Option<Map<String, Value>>,
    pub input_value: Option<String>,
    pub checked: Option<bool>,
}

/// The `event` of `card.action.trigger`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct CardAction {
    pub operator: Option<Operator>,
    /// A token to update the card later (valid for 30 minutes, twice at most).
    pub token: Option<String>,
    pub action: Option<CardActionDetail>,
    /// Where the card is: `im_message`, `im_top_notice`, …
    pub host: Option<String>,
    /// `url_preview` when the card is a link's preview.
    pub delivery_type: Option<String>,
    pub context: Option<CallbackContext>,
}

/// The `event` of `url.preview.get`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct UrlPreview {
    pub operator: Option<Operator>,
    pub host: Option<String>,
    pub context: Option<CallbackContext>,
}

/// How a toast looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ToastKind {
    Info,
    Success,
    Warning,
    Error,
}

/// A short message shown over the card to the user who acted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Toast {
    #[serde(rename = "type")]
    pub kind: ToastKind,
    pub content: String,
    /// The text per language (`zh_cn`, `en_us`, `ja_jp`), shown instead of `content`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub i18n: BTreeMap<String, String>,
}

impl Toast {
    pub fn new(kind: ToastKind, content: impl Into<String>) -> Self {
        Toast {
            kind,
            content: content.into(),
            i18n: BTreeMap::new(),
        }
    }

    pub fn info(content: impl Into<String>) -> Self {
        Toast::new(ToastKind::Info, content)
    }

    pub fn success(content: impl Into<String>) -> Self {
        Toast::new(ToastKind::Success, content)
    }

    pub fn warning(content: impl Into<String>) -> Self {
        Toast::new(ToastKind::Warning, content)
    }

    pub fn error(content: impl Into<String>) -> Self {
        Toast::new(ToastKind::Error, content)
    }

    /// The text in one language, e.g. `.i18n("en_us", "Saved")`.
    pub fn i18n(mut self, language: impl Into<String>, text: impl Into<String>) -> Self {
        self.i18n.insert(language.into(), text.into());
        self
    }
}

/// A card to show instead of the current one (or as a link's preview).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", content = "data", rename_all = "lowercase")]
pub enum CallbackCard {
    /// A card's JSON, as the card builder or `im` message APIs take it.
    Raw(Value),
    /// A card template of the card builder, filled with variables.
    Template(CardTemplate),
}

/// A card builder template and the values of its variables.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CardTemplate {
    pub template_id: String,
    /// A published version (`1.0.0`); the latest when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template_version_name: Option<String>,
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub template_variable: Map<String, Value>,
}

impl CallbackCard {
    pub fn raw(card: Value) -> Self {
        CallbackCard::Raw(card)
    }

    pub fn template(template_id: impl Into<String>) -> Self {
        CallbackCard::Template(CardTemplate {
            template_id: template_id.into(),
            template_version_name: None,
            template_variable: Map::new(),
        })
    }

    /// Set a template variable (ignored on a raw card).
    pub fn variable(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        if let CallbackCard::Template(template) = &mut self {
            template.template_variable.insert(name.into(), value.into());
        }
        self
    }

    /// Pin the template version (ignored on a raw card).
    pub fn version(mut self, version_name: impl Into<String>) -> Self {
        if let CallbackCard::Template(template) = &mut self {
            template.template_version_name = Some(version_name.into());
        }
        self
    }
}

/// The answer to `card.action.trigger`: a toast, a new card, both, or neither (`default()`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CardActionReply {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub toast: Option<Toast>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card: Option<CallbackCard>,
}

impl CardActionReply {
    pub fn toast(toast: Toast) -> Self {
        CardActionReply {
            toast: Some(toast),
            card: None,
        }
    }

    pub fn card(card: CallbackCard) -> Self {
        CardActionReply {
            toast: None,
            card: Some(card),
        }
    }

    pub fn with_card(mut self, card: CallbackCard) -> Self {
        self.card = Some(card);
        self
    }
}

/// Where a preview's title links to, per platform.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PreviewUrl {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub copy_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ios: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub android: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pc: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub web: Option<String>,
}

/// The one-line preview shown in place of the link.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct InlinePreview {
    pub title: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub i18n_title: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<PreviewUrl>,
}

impl InlinePreview {
    pub fn new(title: impl Into<String>) -> Self {
        InlinePreview {
            title: title.into(),
            ..InlinePreview::default()
        }
    }
}

/// The answer to `url.preview.get`: an inline title, a card, or both.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct UrlPreviewReply {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inline: Option<InlinePreview>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card: Option<CallbackCard>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn replies_serialize_as_feishu_reads_them() {
        let reply = CardActionReply::toast(Toast::success("Saved").i18n("en_us", "Saved"))
            .with_card(
                CallbackCard::template("AAq1")
                    .variable("n", 3)
                    .version("1.0.2"),
            );
        assert_eq!(
            serde_json::to_value(&reply).unwrap(),
            json!({
                "toast": {"type": "success", "content": "Saved", "i18n": {"en_us": "Saved"}},
                "card": {"type": "template", "data": {
                    "template_id": "AAq1", "template_version_name": "1.0.2",
                    "template_variable": {"n": 3}
                }}
            })
        );
        let raw = CardActionReply::card(CallbackCard::raw(json!({"elements": []})));
        assert_eq!(
            serde_json::to_value(&raw).unwrap(),
            json!({"card": {"type": "raw", "data": {"elements": []}}})
        );
        let preview = UrlPreviewReply {
            inline: Some(InlinePreview::new("Order 42")),
            card: None,
        };
        assert_eq!(
            serde_json::to_value(&preview).unwrap(),
            json!({"inline": {"title": "Order 42"}})
        );
    }

    #[test]
    fn a_card_action_decodes_with_members_it_does_not_know() {
        let action: CardAction = serde_json::from_value(json!({
            "operator": {"open_id": "ou_1", "tenant_key": "t1"},
            "token": "c-123",
            "action": {"value": {"k": "v"}, "tag": "button", "new_member": 1},
            "host": "im_message",
            "context": {"open_message_id": "om_1", "open_chat_id": "oc_1"}
        }))
        .unwrap();
        assert_eq!(action.operator.unwrap().open_id.as_deref(), Some("ou_1"));
        let detail = action.action.unwrap();
        assert_eq!(detail.value, Some(json!({"k": "v"})));
        assert_eq!(detail.tag.as_deref(), Some("button"));
        assert_eq!(
            action.context.unwrap().open_message_id.as_deref(),
            Some("om_1")
        );
    }
}
