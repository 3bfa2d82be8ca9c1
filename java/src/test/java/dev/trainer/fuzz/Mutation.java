package dev.trainer.fuzz;

import java.util.SplittableRandom;
import java.util.function.BiFunction;

/**
 * One way to damage a file.
 *
 * @param name       what it does, for the report of a failing case
 * @param corruption true when the result is the same file damaged, never a different valid one: a
 *                   loader that accepts it must load exactly what the undamaged file holds (a
 *                   zip's CRC is there to make that so); false for mutations that write another
 *                   well-formed file (a new shape, another dtype, a swapped line)
 * @param apply      the damaged bytes from the original's; it must not change its argument
 */
record Mutation(String name, boolean corruption, BiFunction<byte[], SplittableRandom, byte[]> apply) {

    static Mutation corruption(String name, BiFunction<byte[], SplittableRandom, byte[]> apply) {
        return new Mutation(name, true, apply);
    }

    static Mutation rewrite(String name, BiFunction<byte[], SplittableRandom, byte[]> apply) {
        return new Mutation(name, false, apply);
    }
}
