package dev.trainer.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Damage to text data files (CSV, JSONL) that a person or a script does: lines duplicated,
 * swapped, dropped or joined, numbers replaced by huge, tiny, non-finite or non-numeric ones,
 * a value made enormous, a byte order mark, Windows line ends, text that is not UTF-8.
 */
final class LineMutations {

    private static final Pattern NUMBER = Pattern.compile("-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?");
    private static final String[] ODD_NUMBERS = {"1e308", "-1e309", "1e39", "NaN", "Infinity", "-0", "0x1F", "1,5",
            "99999999999999999999", "-2147483649", "2147483648", "4.9e-324", "", " ", "\"3\"", "1_000", "١٢", "null",
            "true", "[1]", "{}", "\"\"", "1e", "--1"};

    private LineMutations() {
    }

    static List<Mutation> all() {
        return List.of(
                Mutation.rewrite("duplicate a line", (b, r) -> lines(b, r, LineMutations::duplicate)),
                Mutation.rewrite("swap two lines", (b, r) -> lines(b, r, LineMutations::swap)),
                Mutation.rewrite("drop a line", (b, r) -> lines(b, r, (l, rr) -> l.remove(rr.nextInt(l.size())))),
                Mutation.rewrite("join two lines", (b, r) -> lines(b, r, LineMutations::join)),
                Mutation.rewrite("replace a number", LineMutations::replaceNumber),
                Mutation.rewrite("make a value enormous", LineMutations::enormous),
                Mutation.rewrite("add a byte order mark", (b, r) -> ByteMutations.concat(new byte[] {(byte) 0xef,
                        (byte) 0xbb, (byte) 0xbf}, b)),
                Mutation.rewrite("Windows line ends", (b, r) -> text(b).replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8)),
                Mutation.corruption("a Latin-1 byte", (b, r) -> ByteMutations.concat(b, new byte[] {(byte) 0xe9, '\n'})),
                Mutation.rewrite("delete every line", (b, r) -> new byte[0]));
    }

    private interface LineEdit {
        void apply(List<String> lines, SplittableRandom random);
    }

    private static byte[] lines(byte[] bytes, SplittableRandom random, LineEdit edit) {
        List<String> lines = new ArrayList<>(List.of(text(bytes).split("\n", -1)));
        if (lines.size() > 1) {
            edit.apply(lines, random);
        }
        return String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
    }

    private static void duplicate(List<String> lines, SplittableRandom random) {
        int i = random.nextInt(lines.size());
        lines.add(random.nextInt(lines.size() + 1), lines.get(i));
    }

    private static void swap(List<String> lines, SplittableRandom random) {
        Collections.swap(lines, random.nextInt(lines.size()), random.nextInt(lines.size()));
    }

    private static void join(List<String> lines, SplittableRandom random) {
        int i = random.nextInt(lines.size() - 1);
        lines.set(i, lines.get(i) + (random.nextBoolean() ? " " : "") + lines.remove(i + 1));
    }

    private static byte[] replaceNumber(byte[] bytes, SplittableRandom random) {
        String text = text(bytes);
        List<int[]> spans = new ArrayList<>();
        Matcher m = NUMBER.matcher(text);
        while (m.find()) {
            spans.add(new int[] {m.start(), m.end()});
        }
        if (spans.isEmpty()) {
            return bytes;
        }
        int[] span = spans.get(random.nextInt(spans.size()));
        String odd = ODD_NUMBERS[random.nextInt(ODD_NUMBERS.length)];
        return (text.substring(0, span[0]) + odd + text.substring(span[1])).getBytes(StandardCharsets.UTF_8);
    }

    /** A run of 100,000 characters somewhere: a number's digits, or letters, or a quoted string. */
    private static byte[] enormous(byte[] bytes, SplittableRandom random) {
        String text = text(bytes);
        int at = random.nextInt(text.length() + 1);
        String run = switch (random.nextInt(3)) {
            case 0 -> "9".repeat(100_000);
            case 1 -> "x".repeat(100_000);
            default -> "\"" + "é".repeat(50_000) + "\"";
        };
        return (text.substring(0, at) + run + text.substring(at)).getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
