use super::*;
use serde_json::json;

fn doc() -> Value {
    json!({"components": {"schemas": {
        "Person": {"type": "object", "required": ["name"], "additionalProperties": false,
                   "properties": {"name": {"type": "string"}, "born": {"type": ["string", "null"], "format": "date"}}},
        "Ticket": {"type": "object", "required": ["plate", "fine", "driver"], "additionalProperties": false,
                   "properties": {"plate": {"type": "string"}, "fine": {"type": "integer", "format": "int32"},
                                  "kind": {"type": "string", "enum": ["camera", "on_the_spot"]},
                                  "owner": {"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/Person"}]},
                                  "driver": {"$ref": "#/components/schemas/Person"},
                                  "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 2}}}
    }}})
}

fn found(value: Value) -> Vec<(String, String)> {
    let doc = doc();
    let schema = json!({"$ref": "#/components/schemas/Ticket"});
    check(&value, &schema, &doc)
        .into_iter()
        .map(|e| (e.field, e.code))
        .collect()
}

#[test]
fn every_missing_mistyped_and_unknown_field_at_once() {
    let errors = found(json!({
        "fine": "2700", "kind": "bicycle", "colour": "red",
        "driver": {"born": "yesterday"}, "owner": {"name": 7},
        "tags": ["a", 1, "c"],
    }));
    for expected in [
        ("plate", "required"),
        ("fine", "type"),
        ("kind", "enum"),
        ("colour", "unknown_field"),
        ("driver.name", "required"),
        ("driver.born", "format"),
        ("owner.name", "type"),
        ("tags", "too_long"),
        ("tags[1]", "type"),
    ] {
        assert!(
            errors.contains(&(expected.0.into(), expected.1.into())),
            "{expected:?} not in {errors:?}"
        );
    }
}

#[test]
fn a_valid_body_has_no_errors() {
    assert!(
        found(json!({"plate": "ABC-1234", "fine": 2700, "owner": null, "driver": {"name": "王"}}))
            .is_empty()
    );
    assert_eq!(
        found(json!({"plate": "A", "fine": 1e12, "driver": {"name": "王"}})),
        vec![("fine".into(), "type".into())]
    );
    assert_eq!(
        found(json!({"plate": "A", "fine": 3_000_000_000u64, "driver": {"name": "王"}})),
        vec![("fine".into(), "out_of_range".into())]
    );
}

#[test]
fn control_characters_are_found_wherever_they_are() {
    let body = json!({"place": "東區\u{1b}[2J", "driver": {"name": "王\u{0}"}, "facts": "兩行\n事實",
                      "note": "ok", "items": [{"address": "a\u{202e}b"}], "plate": "ABC\u{7f}"});
    let fields: Vec<String> = control_characters(&body)
        .into_iter()
        .map(|e| e.field)
        .collect();
    assert_eq!(
        fields,
        vec!["driver.name", "items[0].address", "place", "plate"]
    );
    assert!(!allowed_char('\n', false));
    assert!(allowed_char('\n', true));
    assert!(!allowed_char('\t', true));
}
