//! Text helpers shared by validation and matching.

/// Folds text for accent- and case-insensitive matching: lowercase, Latin diacritics removed
/// (`Rīgā` → `riga`, `vivienda` stays, `hemtjänst` → `hemtjanst`, `ß` → `ss`).
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => out.push('a'),
            'æ' => out.push_str("ae"),
            'ç' | 'ć' | 'č' | 'ĉ' | 'ċ' => out.push('c'),
            'ď' | 'đ' => out.push('d'),
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => out.push('e'),
            'ģ' | 'ğ' | 'ĝ' | 'ġ' => out.push('g'),
            'ì' | 'í' | 'î' | 'ï' | 'ī' | 'ĩ' | 'į' | 'ı' => out.push('i'),
            'ķ' => out.push('k'),
            'ļ' | 'ł' | 'ľ' | 'ĺ' => out.push('l'),
            'ñ' | 'ń' | 'ņ' | 'ň' => out.push('n'),
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => out.push('o'),
            'œ' => out.push_str("oe"),
            'ŕ' | 'ř' | 'ŗ' => out.push('r'),
            'ś' | 'š' | 'ş' | 'ș' => out.push('s'),
            'ß' => out.push_str("ss"),
            'ť' | 'ţ' | 'ț' => out.push('t'),
            'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' | 'ũ' => out.push('u'),
            'ý' | 'ÿ' => out.push('y'),
            'ź' | 'ż' | 'ž' => out.push('z'),
            other => out.push(other),
        }
    }
    out
}

/// Whether `text` holds control characters other than tab, newline and carriage return.
pub fn has_forbidden_control(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_the_consortium_languages() {
        assert_eq!(fold("Aprūpe MĀJĀS"), "aprupe majas");
        assert_eq!(fold("Hemtjänst i Malmö"), "hemtjanst i malmo");
        assert_eq!(fold("Aide à domicile, Œuvre"), "aide a domicile, oeuvre");
        assert_eq!(fold("Fundación Año"), "fundacion ano");
        assert_eq!(
            fold("Ģimenes asistents, Ķekava, Ļ"),
            "gimenes asistents, kekava, l"
        );
    }

    #[test]
    fn control_characters() {
        assert!(!has_forbidden_control("line\nnext\ttab"));
        assert!(has_forbidden_control("bell\u{7}"));
    }
}
