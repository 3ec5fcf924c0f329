package movierec.common;

import java.util.Locale;

/** ISO 639-1 language codes (as TMDB's {@code original_language}) to English names, from the JDK's locale data. */
public final class Languages {
    private Languages() {}

    /** "en" -> "English", "fr" -> "French"; TMDB's "xx" -> "No Language", its "cn" -> "Cantonese"; null for blank or unknown. */
    public static String name(String code) {
        if (code == null || code.isBlank()) return null;
        String c = code.trim().toLowerCase(Locale.ROOT);
        if (c.equals("xx")) return "No Language";
        if (c.equals("cn")) return "Cantonese";
        String name = Locale.forLanguageTag(c).getDisplayLanguage(Locale.ENGLISH);
        return name.isEmpty() || name.equalsIgnoreCase(c) ? null : name;
    }
}
