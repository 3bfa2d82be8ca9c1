package dev.trainer.cli;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * A command line that does not parse, said in one line: what is wrong, naming the option and the
 * value, and where the help is. picocli's own messages are reworded where they name no option
 * ({@code 'x' is not an int}) or report a consequence instead of the cause (a misspelt option
 * reported as a required one missing).
 */
final class UsageError {

    /** A suggestion further than this from what was typed is no help ("frobnicate": "predict"). */
    private static final int FARTHEST_SUGGESTION = 3;

    private UsageError() {
    }

    /** The line to print for {@code e}, after {@code trainer: error: }. */
    static String describe(ParameterException e) {
        CommandLine commandLine = e.getCommandLine();
        String help = " (see `" + commandLine.getCommandSpec().qualifiedName() + " --help`)";
        List<String> unmatched = unmatched(commandLine);
        if (e instanceof UnmatchedArgumentException u) {
            return unknown(u.getUnmatched(), u.getSuggestions()) + help;
        }
        if (e instanceof CommandLine.MissingParameterException && !unmatched.isEmpty()) {
            return unknown(unmatched, suggestions(commandLine, unmatched.getFirst())) + help;
        }
        if (e.getCause() instanceof CommandLine.TypeConversionException conversion) {
            return invalidValue(e.getArgSpec(), e.getValue(), conversion.getMessage()) + help;
        }
        return e.getMessage() + help;
    }

    /** What picocli could not place on this command line so far (empty when the parse got nowhere). */
    private static List<String> unmatched(CommandLine commandLine) {
        CommandLine.ParseResult result = commandLine.getParseResult();
        return result == null ? List.of() : result.unmatched();
    }

    private static List<String> suggestions(CommandLine commandLine, String typed) {
        return commandLine.getCommandSpec().options().stream().flatMap(o -> java.util.Arrays.stream(o.names()))
                .filter(name -> name.startsWith("--")).filter(name -> editDistance(name, typed) <= FARTHEST_SUGGESTION)
                .toList();
    }

    private static String unknown(List<String> unmatched, List<String> suggestions) {
        String typed = unmatched.getFirst();
        String message = (typed.startsWith("-") ? "unknown option " : "unexpected argument ") + "'" + typed + "'";
        String nearest = suggestions.stream().min(Comparator.comparingInt(s -> editDistance(s, typed))).orElse(null);
        if (nearest != null && editDistance(nearest, typed) <= FARTHEST_SUGGESTION) {
            message += "; did you mean " + nearest + "?";
        }
        return message;
    }

    /**
     * A value the option's converter refused. trainer's own parsers name the option and the
     * accepted forms; picocli's built-in ones say only {@code 'x' is not an int}.
     */
    private static String invalidValue(ArgSpec arg, String value, String reason) {
        if (reason.startsWith("--")) {
            return reason;
        }
        String name = arg instanceof OptionSpec option ? option.longestName() : arg.paramLabel();
        String quoted = "'" + value + "' is ";
        String why = reason.startsWith(quoted) ? reason.substring(quoted.length()) : reason;
        return name + " '" + value + "': " + plainTypeName(why);
    }

    /** picocli's Java type names in the words of the help: "not an int" is "not an integer". */
    private static String plainTypeName(String reason) {
        return switch (reason.toLowerCase(Locale.ROOT)) {
            case "not an int", "not a long", "not a short" -> "not an integer";
            case "not a double", "not a float" -> "not a number";
            default -> reason;
        };
    }

    /** Levenshtein's distance: picocli lists every option sharing a prefix, this picks the likely typo. */
    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
