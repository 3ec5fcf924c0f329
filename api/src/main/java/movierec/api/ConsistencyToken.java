package movierec.api;

/**
 * What a rating's 202 answer hands back: where its event landed, {@code ratings} partition and offset, written
 * {@code "partition:offset"}. A later {@code after=} request waits until the stream job has applied that event.
 */
record ConsistencyToken(int partition, long offset) {
    @Override
    public String toString() {
        return partition + ":" + offset;
    }

    /** The token in {@code raw}; a 400 naming the problem when it is not one. */
    static ConsistencyToken parse(String raw) {
        String[] parts = raw.trim().split(":", -1);
        try {
            if (parts.length == 2) {
                int partition = Integer.parseInt(parts[0]);
                long offset = Long.parseLong(parts[1]);
                if (partition >= 0 && offset >= 0) return new ConsistencyToken(partition, offset);
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new BadQuery("after must be a token 'partition:offset' as a rating's answer gives it, got '"
                + Params.clip(raw) + "'");
    }
}
