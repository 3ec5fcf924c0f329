package movierec.api;

import io.javalin.http.Context;
import java.math.BigDecimal;

/** Parsing and range checks of path and query parameters: every failure is a 400 naming the parameter. */
final class Params {
    private Params() {}

    static long id(Context ctx, String name) {
        String raw = ctx.pathParam(name);
        try {
            long v = Long.parseLong(raw);
            if (v > 0 && v <= Integer.MAX_VALUE) return v;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new BadQuery(
                name + " must be a positive integer up to " + Integer.MAX_VALUE + ", got '" + clip(raw) + "'");
    }

    /** A positive id in the query string ({@code userId=42}). */
    static long idQuery(Context ctx, String name) {
        String raw = ctx.queryParam(name);
        try {
            long v = Long.parseLong(raw.trim());
            if (v > 0 && v <= Integer.MAX_VALUE) return v;
        } catch (NumberFormatException | NullPointerException ignored) {
            // reported below
        }
        throw new BadQuery(name + " must be a positive integer up to " + Integer.MAX_VALUE + ", got '"
                + clip(String.valueOf(raw)) + "'");
    }

    static int intQuery(Context ctx, String name, int fallback, int min, int max) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isBlank()) return fallback;
        try {
            int v = Integer.parseInt(raw.trim());
            if (v >= min && v <= max) return v;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new BadQuery(name + " must be an integer from " + min + " to " + max + ", got '" + clip(raw) + "'");
    }

    /**
     * A decimal number from min to max. BigDecimal, not Double.parseDouble, so that NaN, Infinity, hex floats and
     * suffixes such as 1d are refused like any other text.
     */
    static double decimalQuery(Context ctx, String name, double fallback, double min, double max) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isBlank()) return fallback;
        try {
            double v = new BigDecimal(raw.trim()).doubleValue();
            if (v >= min && v <= max) return v;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new BadQuery(
                name + " must be a number from " + number(min) + " to " + number(max) + ", got '" + clip(raw) + "'");
    }

    static Integer optionalInt(Context ctx, String name, int min, int max) {
        String raw = ctx.queryParam(name);
        return raw == null || raw.isBlank() ? null : intQuery(ctx, name, 0, min, max);
    }

    static String optionalText(Context ctx, String name, int maxLength) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isBlank()) return null;
        if (raw.length() > maxLength) throw new BadQuery(name + " must be at most " + maxLength + " characters");
        return raw.trim();
    }

    /** A comma-separated list of movie ids ({@code exclude=1,2,3}), at most {@code max}; empty when absent. */
    static java.util.Set<Long> idList(Context ctx, String name, int max) {
        String raw = ctx.queryParam(name);
        java.util.Set<Long> out = new java.util.TreeSet<>();
        if (raw == null || raw.isBlank()) return out;
        for (String part : raw.split(",", -1)) {
            try {
                long v = Long.parseLong(part.trim());
                if (v > 0 && v <= Integer.MAX_VALUE) {
                    out.add(v);
                    continue;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new BadQuery(name + " must be comma-separated positive movie ids, got '" + clip(part) + "'");
        }
        if (out.size() > max) throw new BadQuery(name + " may list at most " + max + " movie ids, got " + out.size());
        return out;
    }

    /** 0 and 1, not 0.0 and 1.0, in messages. */
    static String number(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
