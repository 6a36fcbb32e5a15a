//! What a field error says to a person at the console: the rule's own
//! Traditional Chinese where it has one, else the kind of problem in
//! Chinese with the API's detail after it (which may name a limit or a
//! value the Chinese alone would lose).

use crate::error::FieldError;

/// The kind of problem a code names, in Chinese.
fn kind_of(code: &str) -> Option<&'static str> {
    Some(match code {
        "required" => "必填",
        "format" | "malformed" | "invalid" | "type" => "格式不符",
        "too_long" => "太長",
        "too_short" => "太短",
        "out_of_range" => "超出範圍",
        "count" => "數量不符",
        "enum" => "不是可選的值",
        "not_found" | "unknown" => "找不到",
        "taken" | "duplicate" => "已被使用",
        "not_allowed" | "refused" => "不允許",
        "in_future" => "在未來",
        "before_from" | "before_start" => "早於開始",
        "control_character" => "含有不可用的字元",
        "unchanged" => "沒有變更",
        _ => return None,
    })
}

pub fn explain(e: &FieldError) -> String {
    if let Some(zh) = &e.zh {
        return zh.clone();
    }
    // The console's own checks write Chinese already.
    if e.message
        .chars()
        .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    {
        return e.message.clone();
    }
    match kind_of(&e.code) {
        Some(kind) => format!("{kind}（{}）", e.message),
        None => e.message.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rules_own_chinese_comes_first_then_the_kind_with_the_detail() {
        let with = FieldError::new("plate", "format", "not a plate number").with_zh("不是車牌");
        assert_eq!(explain(&with), "不是車牌");
        let without = FieldError::new("name", "too_long", "at most 40 characters");
        assert_eq!(explain(&without), "太長（at most 40 characters）");
        let odd = FieldError::new("x", "something_new", "as it is");
        assert_eq!(explain(&odd), "as it is");
        let console = FieldError::new("vehicle_class", "required", "請選擇車種");
        assert_eq!(explain(&console), "請選擇車種");
    }
}
