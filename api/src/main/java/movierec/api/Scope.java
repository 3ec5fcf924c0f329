package movierec.api;

import java.util.Locale;

/** What an API key may do; each scope includes the ones before it (admin can write, write can read). */
public enum Scope {
    READ,
    WRITE,
    ADMIN;

    public boolean allows(Scope needed) {
        return compareTo(needed) >= 0;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Scope parse(String s) {
        for (Scope scope : values())
            if (scope.label().equals(s == null ? "" : s.trim().toLowerCase(Locale.ROOT))) return scope;
        throw new IllegalArgumentException("unknown scope '" + s + "': use read, write or admin");
    }
}
