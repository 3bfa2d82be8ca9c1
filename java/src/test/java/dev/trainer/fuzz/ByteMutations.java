package dev.trainer.fuzz;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** Damage any file can suffer, byte by byte: flipped bits, overwritten, cut, inserted and repeated runs. */
final class ByteMutations {

    /** Values that trip parsers: zero, the sign bit, all ones, and the extremes of a signed byte. */
    private static final byte[] INTERESTING = {0, (byte) 0x80, (byte) 0xff, 0x7f, 0x01, '\n', ',', '"', '{'};

    private ByteMutations() {
    }

    static List<Mutation> all() {
        return List.of(
                Mutation.corruption("flip a bit", (b, r) -> flipBits(b, r, 1)),
                Mutation.corruption("flip 8 bits", (b, r) -> flipBits(b, r, 8)),
                Mutation.corruption("set a byte to an edge value", ByteMutations::interestingByte),
                Mutation.corruption("truncate", (b, r) -> Arrays.copyOf(b, b.length == 0 ? 0 : r.nextInt(b.length))),
                Mutation.corruption("cut a run out", ByteMutations::cut),
                Mutation.corruption("insert random bytes", ByteMutations::insert),
                Mutation.corruption("repeat a run", ByteMutations::repeat));
    }

    static byte[] flipBits(byte[] bytes, SplittableRandom random, int bits) {
        byte[] b = bytes.clone();
        for (int i = 0; i < bits && b.length > 0; i++) {
            b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
        }
        return b;
    }

    private static byte[] interestingByte(byte[] bytes, SplittableRandom random) {
        byte[] b = bytes.clone();
        if (b.length > 0) {
            b[random.nextInt(b.length)] = INTERESTING[random.nextInt(INTERESTING.length)];
        }
        return b;
    }

    private static byte[] cut(byte[] bytes, SplittableRandom random) {
        if (bytes.length < 2) {
            return bytes.clone();
        }
        int from = random.nextInt(bytes.length);
        int to = Math.min(bytes.length, from + 1 + random.nextInt(64));
        return concat(Arrays.copyOfRange(bytes, 0, from), Arrays.copyOfRange(bytes, to, bytes.length));
    }

    private static byte[] insert(byte[] bytes, SplittableRandom random) {
        byte[] extra = new byte[1 + random.nextInt(16)];
        random.nextBytes(extra);
        int at = random.nextInt(bytes.length + 1);
        return concat(Arrays.copyOfRange(bytes, 0, at), extra, Arrays.copyOfRange(bytes, at, bytes.length));
    }

    private static byte[] repeat(byte[] bytes, SplittableRandom random) {
        if (bytes.length == 0) {
            return bytes;
        }
        int from = random.nextInt(bytes.length);
        int to = Math.min(bytes.length, from + 1 + random.nextInt(256));
        return concat(Arrays.copyOfRange(bytes, 0, to), Arrays.copyOfRange(bytes, from, bytes.length));
    }

    static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] p : parts) {
            length += p.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
