package dev.telemetry.faults;

import java.util.Collection;
import java.util.UUID;

/**
 * The acknowledged event ids, a few million of them: an open-addressing hash set of two longs per id (25 to 50 bytes
 * an id, where a {@code HashSet<UUID>} takes about 80), that can also mark which ids were found again on the raw topic.
 * Thread-safe: the load's clients add to one set.
 */
public final class UuidSet {

    private static final byte EMPTY = 0;
    private static final byte PRESENT = 1;
    private static final byte FOUND = 2;

    private long[] high = new long[1 << 16];
    private long[] low = new long[1 << 16];
    private byte[] state = new byte[1 << 16];
    private int size;
    private int found;

    synchronized void addAll(Collection<UUID> ids) {
        for (UUID id : ids) {
            if (size + 1 > state.length * 0.7) {
                grow();
            }
            int slot = slot(id.getMostSignificantBits(), id.getLeastSignificantBits());
            if (state[slot] == EMPTY) {
                high[slot] = id.getMostSignificantBits();
                low[slot] = id.getLeastSignificantBits();
                state[slot] = PRESENT;
                size++;
            }
        }
    }

    /** Marks {@code id} as found; true the first time an id of this set is found. */
    synchronized boolean markFound(UUID id) {
        int slot = slot(id.getMostSignificantBits(), id.getLeastSignificantBits());
        if (state[slot] == PRESENT) {
            state[slot] = FOUND;
            found++;
            return true;
        }
        return false;
    }

    /** Distinct ids added. */
    public synchronized int size() {
        return size;
    }

    /** Ids of this set not found (yet). */
    public synchronized int notFound() {
        return size - found;
    }

    /** The slot that holds the id, or the empty one where it would go (linear probing). */
    private int slot(long hi, long lo) {
        int mask = state.length - 1;
        long h = hi * 0x9E3779B97F4A7C15L ^ lo;
        int slot = (int) (h ^ (h >>> 32)) & mask;
        while (state[slot] != EMPTY && (high[slot] != hi || low[slot] != lo)) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private void grow() {
        long[] oldHigh = high;
        long[] oldLow = low;
        byte[] oldState = state;
        // All three allocated before any is replaced: an OutOfMemoryError must leave the set as it was, not with
        // one array of the new size beside two of the old (every lookup would then miss).
        long[] newHigh = new long[oldState.length * 2];
        long[] newLow = new long[oldState.length * 2];
        byte[] newState = new byte[oldState.length * 2];
        high = newHigh;
        low = newLow;
        state = newState;
        for (int i = 0; i < oldState.length; i++) {
            if (oldState[i] != EMPTY) {
                int slot = slot(oldHigh[i], oldLow[i]);
                high[slot] = oldHigh[i];
                low[slot] = oldLow[i];
                state[slot] = oldState[i];
            }
        }
    }
}
