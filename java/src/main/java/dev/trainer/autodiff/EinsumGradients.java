package dev.trainer.autodiff;

import dev.trainer.ModelException;
import dev.trainer.onnx.Attributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Einsum in general. The gradient of an operand is another Einsum: of dy with the other operands,
 * whose output subscripts are that operand's. Where those subscripts could not be an Einsum output,
 * extra operands make them so: a letter no other operand and not the output has (summed away in the
 * forward) comes back through an operand of ones, and a repeated letter (a diagonal) is split into
 * distinct letters tied by an identity matrix. Axes an ellipsis broadcast are summed back.
 */
final class EinsumGradients {

    private static final char ELLIPSIS = '.';

    private EinsumGradients() {
    }

    static void register(Map<String, GradientRule> rules) {
        rules.put("Einsum", g -> {
            Equation e = Equation.parse(g.attr("equation", ""), g.describe());
            for (int k = 0; k < g.inputCount(); k++) {
                int operand = k;
                g.dx(operand, () -> new OperandGradient(g, e, operand).value());
            }
        });
    }

    /** An equation with letters renamed a, b, c, ... and each ellipsis written as one {@code '.'}. */
    record Equation(List<String> inputs, String output) {

        static Equation parse(String text, String node) {
            String compact = text.replaceAll("\\s", "").replace("...", String.valueOf(ELLIPSIS));
            String[] sides = compact.split("->", -1);
            List<String> inputs = List.of(sides[0].split(",", -1));
            String output = sides.length > 1 ? sides[1] : implicitOutput(inputs);
            Map<Character, Character> names = new LinkedHashMap<>();
            for (char c : (sides[0] + output).toCharArray()) {
                if (Character.isLetter(c) && !names.containsKey(c)) {
                    names.put(c, letter(names.size()));
                } else if (!Character.isLetter(c) && c != ELLIPSIS && c != ',') {
                    throw new ModelException(node + ": cannot read the Einsum equation '" + text + "'");
                }
            }
            return new Equation(inputs.stream().map(t -> rename(t, names)).toList(), rename(output, names));
        }

        /** Without "->": an ellipsis first, then the letters that occur once, in alphabetical order. */
        private static String implicitOutput(List<String> inputs) {
            Map<Character, Integer> counts = new TreeMap<>();
            boolean ellipsis = false;
            for (String term : inputs) {
                for (char c : term.toCharArray()) {
                    ellipsis |= c == ELLIPSIS;
                    if (c != ELLIPSIS) {
                        counts.merge(c, 1, Integer::sum);
                    }
                }
            }
            StringBuilder out = new StringBuilder(ellipsis ? String.valueOf(ELLIPSIS) : "");
            counts.forEach((c, n) -> out.append(n == 1 ? String.valueOf(c) : ""));
            return out.toString();
        }

        private static String rename(String term, Map<Character, Character> names) {
            StringBuilder out = new StringBuilder();
            for (char c : term.toCharArray()) {
                out.append(c == ELLIPSIS ? ELLIPSIS : names.get(c));
            }
            return out.toString();
        }

        static char letter(int i) {
            return (char) (i < 26 ? 'a' + i : 'A' + i - 26);
        }

        int letterCount() {
            Set<Character> all = new HashSet<>();
            (String.join("", inputs) + output).chars().filter(c -> c != ELLIPSIS).forEach(c -> all.add((char) c));
            return all.size();
        }

        /** Axes the ellipsis of input {@code k} stands for, given its rank. */
        int ellipsisRank(int k, int rank) {
            String term = inputs.get(k);
            return term.indexOf(ELLIPSIS) < 0 ? 0 : rank - (term.length() - 1);
        }

        static String text(String term) {
            return term.replace(String.valueOf(ELLIPSIS), "...");
        }
    }

    /** The gradient of one operand, built as described on the class. */
    private static final class OperandGradient {

        private final NodeGradient g;
        private final Equation e;
        private final int k;
        private final List<Value> operands = new ArrayList<>();
        private final List<String> terms = new ArrayList<>();
        /** The operand's axes by letter: where each letter first occurs in it (ellipsis axes counted). */
        private final Map<Character, Integer> axisOf = new HashMap<>();
        private final StringBuilder result = new StringBuilder();
        private final int ellipsisRank;
        private char nextFresh;

        OperandGradient(NodeGradient g, Equation e, int k) {
            this.g = g;
            this.e = e;
            this.k = k;
            this.ellipsisRank = e.ellipsisRank(k, g.xType(k).rank());
            this.nextFresh = Equation.letter(e.letterCount());
        }

        Value value() {
            operands.add(g.dy());
            terms.add(e.output());
            for (int j = 0; j < e.inputs().size(); j++) {
                if (j != k) {
                    operands.add(g.x(j));
                    terms.add(e.inputs().get(j));
                }
            }
            distinctLetters();
            onesForLonelyLetters();
            boolean ellipsisIn = terms.stream().anyMatch(t -> t.indexOf(ELLIPSIS) >= 0);
            String equation = String.join(",", terms.stream().map(Equation::text).toList()) + "->"
                    + (ellipsisIn ? "..." : "") + result;
            Value grad = g.builder().op("Einsum", operands, Attributes.ofString("equation", equation));
            return restoreEllipsis(grad, ellipsisIn);
        }

        /** Letters of the operand in order, ellipsis left out; a repeat gets a fresh letter and an identity. */
        private void distinctLetters() {
            String term = e.inputs().get(k);
            int axis = 0;
            for (char c : term.toCharArray()) {
                if (c == ELLIPSIS) {
                    axis += ellipsisRank;
                    continue;
                }
                if (axisOf.containsKey(c)) {
                    char fresh = nextFresh++;
                    result.append(fresh);
                    Value n = g.shapeOf(g.x(k)).slice(0, axisOf.get(c), axisOf.get(c) + 1);
                    Value square = n.concat(0, n).constantOfShape(0, g.dy().elementType());
                    operands.add(g.builder().op("EyeLike", List.of(square)));
                    terms.add("" + c + fresh);
                } else {
                    axisOf.put(c, axis);
                    result.append(c);
                }
                axis++;
            }
        }

        /** Letters summed away in the forward that only this operand had: an operand of ones brings them back. */
        private void onesForLonelyLetters() {
            String elsewhere = String.join("", terms);
            StringBuilder lonely = new StringBuilder();
            List<Long> axes = new ArrayList<>();
            for (char c : result.toString().toCharArray()) {
                if (elsewhere.indexOf(c) < 0) {
                    lonely.append(c);
                    axes.add((long) axisOf.get(c));
                }
            }
            if (!lonely.isEmpty()) {
                Value sizes = g.shapeOf(g.x(k)).gather(g.builder().ints(axes.stream().mapToLong(Long::longValue).toArray()), 0);
                operands.add(sizes.constantOfShape(1, g.dy().elementType()));
                terms.add(lonely.toString());
            }
        }

        /**
         * The result has the ellipsis axes of dy in front, when the inputs have any (ONNX Runtime
         * wants an ellipsis in the output then): sum them down to this operand's ellipsis axes and
         * move those back to where the operand has its ellipsis.
         */
        private Value restoreEllipsis(Value grad, boolean ellipsisIn) {
            if (!ellipsisIn) {
                return grad;
            }
            long[] dims = g.xType(k).dims();
            int position = Math.max(0, e.inputs().get(k).indexOf(ELLIPSIS));
            long[] perm = ConvolutionGradients.concat(ConvolutionGradients.range(ellipsisRank, ellipsisRank + position),
                    ConvolutionGradients.concat(ConvolutionGradients.range(0, ellipsisRank),
                            ConvolutionGradients.range(ellipsisRank + position, dims.length)));
            long[] moved = Arrays.stream(IndexingGradients.inverse(perm)).map(a -> dims[(int) a]).toArray();
            Value front = NodeGradient.unbroadcast(grad, ConvolutionGradients.concat(broadcastEllipsis(),
                    Arrays.copyOfRange(moved, ellipsisRank, moved.length)), moved);
            return front.transpose(perm);
        }

        /** The ellipsis axes of all operands broadcast together, as far as static shapes tell. */
        private long[] broadcastEllipsis() {
            int rank = 0;
            for (int j = 0; j < e.inputs().size(); j++) {
                rank = Math.max(rank, e.ellipsisRank(j, g.xType(j).rank()));
            }
            long[] out = new long[rank];
            Arrays.fill(out, 1);
            for (int j = 0; j < e.inputs().size(); j++) {
                int r = e.ellipsisRank(j, g.xType(j).rank());
                int at = e.inputs().get(j).indexOf(ELLIPSIS);
                for (int a = 0; a < r; a++) {
                    long d = g.xType(j).dims()[at + a];
                    if (d != 1) {
                        out[rank - r + a] = d;
                    }
                }
            }
            return out;
        }
    }
}
