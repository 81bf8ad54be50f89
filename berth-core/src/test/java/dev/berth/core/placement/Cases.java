package dev.berth.core.placement;

import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Runs a property over many generated cases with plain JUnit. Each case is generated from its own seed
 * (drawn from the property's base seed), and a failing case reports that seed and its inputs, so it can
 * be rerun alone.
 *
 * <p>System properties: {@code berth.cases} (cases per property, default 1,000), {@code berth.seed}
 * (base seed, to explore other cases than the fixed default) and {@code berth.caseSeed} (run only the
 * case with this seed, as printed by a failure).
 */
final class Cases {

    static final int DEFAULT_COUNT = Integer.getInteger("berth.cases", 1_000);
    static final long DEFAULT_SEED = 0x5EED_BE27L;

    private Cases() {
    }

    @FunctionalInterface
    interface Check<T> {
        void check(T input) throws Exception;
    }

    /** Checks {@code property} on {@code count} inputs made by {@code generator}; returns how many ran. */
    static <T> int forAll(int count, Function<SplittableRandom, T> generator, Check<T> property) {
        StackWalker.StackFrame caller = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
                .walk(frames -> frames.filter(f -> f.getDeclaringClass() != Cases.class).findFirst()).orElseThrow();
        String name = caller.getDeclaringClass().getSimpleName() + "#" + caller.getMethodName();
        Long only = Long.getLong("berth.caseSeed");
        if (only != null) {
            check(name, 0, 1, only, generator, property);
            return 1;
        }
        // Mix the property name in, so properties sharing a base seed still see different cases.
        SplittableRandom seeds = new SplittableRandom(Long.getLong("berth.seed", DEFAULT_SEED) ^ name.hashCode());
        for (int i = 0; i < count; i++) {
            check(name, i, count, seeds.nextLong(), generator, property);
        }
        return count;
    }

    static <T> int forAll(Function<SplittableRandom, T> generator, Check<T> property) {
        return forAll(DEFAULT_COUNT, generator, property);
    }

    private static <T> void check(String name, int index, int count, long seed,
            Function<SplittableRandom, T> generator, Check<T> property) {
        T input = generator.apply(new SplittableRandom(seed));
        try {
            property.check(input);
        } catch (Throwable e) {
            throw new AssertionError(name + " failed on case " + (index + 1) + " of " + count + ", seed " + seed
                    + " (rerun only it: mvn -o test -pl berth-core -Dtest='" + name + "' -Dberth.caseSeed=" + seed
                    + ")\ninput: " + input + "\n" + e, e);
        }
    }
}
