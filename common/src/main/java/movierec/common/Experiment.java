package movierec.common;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The pure rules of an experiment: which kinds of variant there are, how a split is written, and which variant a user
 * gets. The assignment hashes the experiment's salt with the user id, so a user sees the same variant for the whole
 * experiment, on every API server, and a new experiment (a new salt) shuffles users afresh.
 */
public final class Experiment {
    private Experiment() {}

    /** How a variant ranks a user's list. */
    public enum Kind {
        /** The served model: ALS, sequential and genre parts together. */
        BLEND,
        /** The ALS part of the same model alone. */
        ALS,
        /** The blend, its top candidates re-ranked by what follows the user's last movies ({@link NextMovies}). */
        NEXT,
        /** The most rated movies the user has not rated: a deliberately weak control. */
        POPULARITY;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The kind of that name, or null when there is none. */
        public static Kind of(String name) {
            for (Kind k : values()) if (k.label().equals(name)) return k;
            return null;
        }
    }

    /**
     * {@code "a=50,b=50"} -> variant -> percent, in the order written (the first is the control the others are compared
     * with). Percents are whole numbers that add up to 100; names are lower-case letters, digits, - and _.
     */
    public static Map<String, Integer> parseSplit(String split) {
        Map<String, Integer> out = new LinkedHashMap<>();
        if (split == null || split.isBlank())
            throw new IllegalArgumentException("empty split: write e.g. blend=50,popularity=50");
        int total = 0;
        for (String part : split.split(",")) {
            String[] kv = part.trim().split("=");
            if (kv.length != 2 || !kv[0].trim().matches("[a-z0-9_-]{1,40}"))
                throw new IllegalArgumentException("bad split part '" + part.trim() + "': write variant=percent");
            int pct;
            try {
                pct = Integer.parseInt(kv[1].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "bad percent in '" + part.trim() + "': a whole number from 1 to 100");
            }
            if (pct < 1 || pct > 100)
                throw new IllegalArgumentException(
                        "bad percent in '" + part.trim() + "': a whole number from 1 to 100");
            if (out.put(kv[0].trim(), pct) != null)
                throw new IllegalArgumentException("variant " + kv[0].trim() + " appears twice");
            total += pct;
        }
        if (out.size() < 2) throw new IllegalArgumentException("a split needs at least two variants");
        if (total != 100) throw new IllegalArgumentException("the percents add up to " + total + ", not 100");
        return out;
    }

    /** The variant of {@code split} that {@code userId} gets in the experiment salted {@code salt}. */
    public static String assign(String salt, long userId, Map<String, Integer> split) {
        return assignSubject(salt, String.valueOf(userId), split);
    }

    /** The variant an anonymous visitor gets, by the id their client sends (never the same as a user's). */
    public static String assignVisitor(String salt, String visitorId, Map<String, Integer> split) {
        return assignSubject(salt, "visitor:" + visitorId, split);
    }

    private static String assignSubject(String salt, String subject, Map<String, Integer> split) {
        int bucket = bucket(salt, subject);
        int upTo = 0;
        String last = null;
        for (Map.Entry<String, Integer> e : split.entrySet()) {
            upTo += e.getValue();
            last = e.getKey();
            if (bucket < upTo) return e.getKey();
        }
        return last;
    }

    /** 0..99 from SHA-256 of salt and subject: uniform, and independent between experiments. */
    static int bucket(String salt, String subject) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest((salt + ":" + subject).getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int i = 0; i < 8; i++) v = (v << 8) | (h[i] & 0xff);
            return (int) Math.floorMod(v, 100L);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
