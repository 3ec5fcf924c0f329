package movierec.common;

/** Dot products and joins of plain vectors. */
public final class Vectors {
    private Vectors() {}

    /** a·b over the shorter of the two (a stored vector's cosine coordinate meets nothing in a shorter one). */
    public static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < Math.min(a.length, b.length); i++) s += a[i] * b[i];
        return s;
    }

    public static double dot(double[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < Math.min(a.length, b.length); i++) s += a[i] * b[i];
        return s;
    }

    /** Cosine of two vectors of one length; 0 when either is all zeros (no direction, so like nothing). */
    public static double cosine(float[] a, float[] b) {
        double norms = dot(a, a) * dot(b, b);
        return norms == 0 ? 0 : dot(a, b) / Math.sqrt(norms);
    }

    /** The parts one after the other. */
    public static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) n += p.length;
        float[] out = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
