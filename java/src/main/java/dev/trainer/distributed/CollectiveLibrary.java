package dev.trainer.distributed;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Finding the C library a collective binds (libmpi, libnccl): the file an environment variable
 * names, else the first of the usual names the dynamic loader opens. A library found stays loaded
 * for the rest of the process (global arena).
 */
record CollectiveLibrary(String name, SymbolLookup symbols) {

    /** The file {@code variable} names in {@code environment}, else {@code defaults}. */
    static List<String> candidates(Map<String, String> environment, String variable, List<String> defaults) {
        String chosen = environment.get(variable);
        return chosen != null && !chosen.isBlank() ? List.of(chosen) : defaults;
    }

    /**
     * The first candidate that loads; it must export {@code marker}, the symbol that shows it is
     * the library wanted.
     *
     * @param notIt   the one-line message for a library without the marker, from its name
     * @param missing the one-line message when none loads, from the names tried ("a, b")
     * @throws CollectiveException with one of those messages
     */
    static CollectiveLibrary first(List<String> candidates, String marker, Function<String, String> notIt,
                                   Function<String, String> missing) {
        List<String> tried = new ArrayList<>();
        for (String name : candidates) {
            SymbolLookup symbols;
            try {
                symbols = SymbolLookup.libraryLookup(name, Arena.global());
            } catch (IllegalArgumentException e) {
                tried.add(name);
                continue;
            }
            if (symbols.find(marker).isEmpty()) {
                throw new CollectiveException(notIt.apply(name));
            }
            return new CollectiveLibrary(name, symbols);
        }
        throw new CollectiveException(missing.apply(String.join(", ", tried)));
    }
}
