package dev.trainer.train.optim;

import dev.trainer.config.FreezingConfig;
import dev.trainer.config.ParameterPattern;
import dev.trainer.onnx.ModelGraph;
import dev.trainer.onnx.OnnxModel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The parameters that train, from the default trainable list and the {@link FreezingConfig}, and
 * the gradual-unfreezing schedule over epochs.
 *
 * <p>The selection: start from every default trainable parameter, or with {@code --train-only}
 * those matching one of its patterns; drop those matching a {@code --freeze} pattern; drop the
 * {@code --freeze-bottom} lowest {@link LayerGroups layer groups}. Every pattern must match some
 * parameter and something must be left, else {@link IllegalArgumentException} with one line.
 *
 * <p>Gradual unfreezing ({@code --unfreeze-every E}) counts only the groups with a selected
 * parameter: epochs 1..E train the topmost such group, epochs E+1..2E the top two, and so on
 * until all are trainable. Without it every epoch trains the whole selection. Immutable.
 */
public final class TrainableSelection {

    /**
     * Groups that start training at an epoch: the loop rebuilds its graphs and optimizer layout.
     *
     * @param epoch      the 1-based epoch from whose start they train
     * @param groups     the groups that became trainable, bottom first
     * @param parameters their selected parameters, now trainable
     * @param trainable  everything trainable from this epoch, in candidate order
     */
    public record Unfreeze(int epoch, List<LayerGroups.Group> groups, List<String> parameters, List<String> trainable) {
        public Unfreeze {
            groups = List.copyOf(groups);
            parameters = List.copyOf(parameters);
            trainable = List.copyOf(trainable);
        }
    }

    private final List<String> candidates;
    private final LayerGroups layers;
    private final List<String> selected;
    /** The groups holding a selected parameter, bottom first: what gradual unfreezing walks. */
    private final List<LayerGroups.Group> trainableGroups;
    private final int unfreezeEvery;

    private TrainableSelection(List<String> candidates, LayerGroups layers, List<String> selected, int unfreezeEvery) {
        this.candidates = List.copyOf(candidates);
        this.layers = layers;
        this.selected = List.copyOf(selected);
        this.unfreezeEvery = unfreezeEvery;
        Set<Integer> used = new HashSet<>();
        selected.forEach(n -> used.add(layers.groupOf(n)));
        this.trainableGroups = layers.groups().stream().filter(g -> used.contains(g.index())).toList();
    }

    /**
     * Selects from the model's default trainable parameters ({@link ModelGraph#trainableCandidates}),
     * grouped in graph order; the lists this returns keep the initializer order.
     */
    public static TrainableSelection of(OnnxModel model, FreezingConfig options) {
        List<String> candidates = model.graph().trainableCandidates();
        return select(candidates, LayerGroups.of(model.graph().graphOrder(candidates)), options, candidates);
    }

    /**
     * Selects as {@link #of(OnnxModel, FreezingConfig)}, starting from {@code defaults} (LoRA's
     * adapters and a new head) and the candidates {@code also} matches ({@code --lora-also})
     * instead of from every candidate. {@code --train-only} still picks among all candidates, so
     * it can name the adapters ({@code **.lora_*}) and base parameters alike.
     *
     * @throws IllegalArgumentException also for an {@code also} pattern that matches no parameter
     */
    public static TrainableSelection of(OnnxModel model, FreezingConfig options, Collection<String> defaults,
                                        List<ParameterPattern> also) {
        List<String> candidates = model.graph().trainableCandidates();
        Set<String> start = new HashSet<>(defaults);
        start.addAll(matching("--lora-also", also, candidates));
        return select(candidates, LayerGroups.of(model.graph().graphOrder(candidates)), options,
                candidates.stream().filter(start::contains).toList());
    }

    /** Selects from the given default trainable parameters, in graph order (the lists keep it). */
    public static TrainableSelection of(List<String> namesInGraphOrder, FreezingConfig options) {
        List<String> candidates = List.copyOf(new LinkedHashSet<>(namesInGraphOrder));
        return select(candidates, LayerGroups.of(candidates), options, candidates);
    }

    private static TrainableSelection select(List<String> candidates, LayerGroups layers, FreezingConfig options,
                                             List<String> defaults) {
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("the model has no trainable parameters");
        }
        Set<String> keep = new LinkedHashSet<>(options.trainOnly().isEmpty() ? defaults : candidates);
        if (!options.trainOnly().isEmpty()) {
            keep.retainAll(matching("--train-only", options.trainOnly(), candidates));
        }
        keep.removeAll(matching("--freeze", options.freeze(), candidates));
        if (options.freezeBottom() >= layers.depth()) {
            throw new IllegalArgumentException("--freeze-bottom " + options.freezeBottom() + " freezes all "
                    + layers.depth() + " layer groups (" + layers.groups().getFirst().label() + " to "
                    + layers.groups().getLast().label() + "); nothing is left to train");
        }
        keep.removeIf(n -> layers.groupOf(n) < options.freezeBottom());
        if (keep.isEmpty()) {
            throw new IllegalArgumentException("nothing is left to train: " + describe(options) + " freeze all "
                    + candidates.size() + " trainable parameters");
        }
        return new TrainableSelection(candidates, layers, new ArrayList<>(keep), options.unfreezeEvery());
    }

    private static Set<String> matching(String option, List<ParameterPattern> patterns, List<String> names) {
        Set<String> matched = new HashSet<>();
        for (ParameterPattern pattern : patterns) {
            List<String> hits = names.stream().filter(pattern::matches).toList();
            if (hits.isEmpty()) {
                throw Names.matchesNothing(option, pattern.text(), names);
            }
            matched.addAll(hits);
        }
        return matched;
    }

    private static String describe(FreezingConfig options) {
        List<String> parts = new ArrayList<>();
        if (!options.trainOnly().isEmpty()) {
            parts.add("--train-only " + String.join(" ", options.trainOnly().stream().map(ParameterPattern::text).toList()));
        }
        if (!options.freeze().isEmpty()) {
            parts.add("--freeze " + String.join(" ", options.freeze().stream().map(ParameterPattern::text).toList()));
        }
        if (options.freezeBottom() > 0) {
            parts.add("--freeze-bottom " + options.freezeBottom());
        }
        return String.join(" and ", parts);
    }

    /** The default trainable parameters the selection was made from. */
    public List<String> candidates() {
        return candidates;
    }

    /** The layer groups of all candidates, frozen ones included. */
    public LayerGroups layerGroups() {
        return layers;
    }

    /** Every parameter that trains at some epoch: the whole selection. */
    public List<String> trainable() {
        return selected;
    }

    /** The candidates that never train. */
    public List<String> frozen() {
        Set<String> trained = new HashSet<>(selected);
        return candidates.stream().filter(n -> !trained.contains(n)).toList();
    }

    /** The parameters trainable during the 1-based epoch, in candidate order. */
    public List<String> trainableAt(int epoch) {
        Set<Integer> open = new HashSet<>();
        openGroups(epoch).forEach(g -> open.add(g.index()));
        return selected.stream().filter(n -> open.contains(layers.groupOf(n))).toList();
    }

    /**
     * What starts training at the beginning of the epoch, if anything: empty for epoch 1 (start
     * from {@link #trainableAt trainableAt(1)}) and for every epoch without gradual unfreezing.
     */
    public Optional<Unfreeze> unfrozenAt(int epoch) {
        if (epoch <= 1) {
            requireEpoch(epoch);
            return Optional.empty();
        }
        List<LayerGroups.Group> before = openGroups(epoch - 1);
        List<LayerGroups.Group> now = openGroups(epoch);
        if (now.size() == before.size()) {
            return Optional.empty();
        }
        List<LayerGroups.Group> opened = now.subList(0, now.size() - before.size());
        Set<Integer> indices = new HashSet<>();
        opened.forEach(g -> indices.add(g.index()));
        List<String> parameters = selected.stream().filter(n -> indices.contains(layers.groupOf(n))).toList();
        return Optional.of(new Unfreeze(epoch, opened, parameters, trainableAt(epoch)));
    }

    /** The trainable groups open during the epoch, bottom first. */
    private List<LayerGroups.Group> openGroups(int epoch) {
        requireEpoch(epoch);
        int total = trainableGroups.size();
        int open = unfreezeEvery == 0 ? total : (int) Math.min(total, 1 + (epoch - 1L) / unfreezeEvery);
        return trainableGroups.subList(total - open, total);
    }

    private static void requireEpoch(int epoch) {
        if (epoch < 1) {
            throw new IllegalArgumentException("epochs count from 1, got " + epoch);
        }
    }
}
