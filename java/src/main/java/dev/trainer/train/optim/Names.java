package dev.trainer.train.optim;

import java.util.Collection;
import java.util.List;
import java.util.stream.IntStream;

/** Shared wording for errors about patterns, so every option complains the same way. */
final class Names {

    private static final int EXAMPLES = 3;

    private Names() {
    }

    /**
     * The one-line error for an option value whose pattern matches no parameter, with a few
     * real names (first, middle, last) so the user sees how they are spelled.
     */
    static IllegalArgumentException matchesNothing(String option, String value, Collection<String> names) {
        List<String> list = List.copyOf(names);
        StringBuilder s = new StringBuilder(option + " '" + value + "' matches no parameter");
        if (!list.isEmpty()) {
            s.append("; names look like ");
            List<Integer> picks = list.size() <= EXAMPLES ? IntStream.range(0, list.size()).boxed().toList()
                    : List.of(0, list.size() / 2, list.size() - 1);
            s.append(String.join(", ", picks.stream().map(list::get).toList()));
        }
        return new IllegalArgumentException(s.toString());
    }
}
