package dev.trainer.cli;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * Lists a command's options under the headings of the {@link OptionSection} mixins that declare
 * them, the options of no section first. Sections are plain mixins rather than picocli argument
 * groups because a group's options reset each other when one repeats ({@code --lr 0.1 --lr 0.2}
 * would have reset {@code --optimizer}); mixins keep every option independent, last value wins.
 */
final class SectionedHelp {

    private SectionedHelp() {
    }

    /** Installs the renderer on the command and every subcommand. */
    static void install(CommandLine cli) {
        cli.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_OPTION_LIST, SectionedHelp::optionList);
        cli.getSubcommands().values().forEach(SectionedHelp::install);
    }

    private static String optionList(Help help) {
        CommandSpec spec = help.commandSpec();
        List<CommandSpec> sections = new ArrayList<>();
        collectSections(spec, sections);
        Set<OptionSpec> sectioned = Collections.newSetFromMap(new IdentityHashMap<>());
        sections.forEach(s -> sectioned.addAll(s.options()));
        List<OptionSpec> rest = spec.options().stream().filter(o -> !sectioned.contains(o) && !o.hidden()).toList();
        Help.Layout layout = help.createDefaultLayout();
        StringBuilder out = new StringBuilder(help.optionListExcludingGroups(rest, layout, null,
                help.createDefaultParamLabelRenderer()));
        for (CommandSpec section : sections) {
            out.append(System.lineSeparator()).append(((OptionSection) section.userObject()).heading()).append(':')
                    .append(System.lineSeparator());
            List<OptionSpec> shown = section.options().stream().filter(o -> !o.hidden()).toList();
            out.append(help.optionListExcludingGroups(shown, help.createDefaultLayout(), null,
                    help.createDefaultParamLabelRenderer()));
        }
        return out.toString();
    }

    /** The section mixins below {@code spec}, depth first in declaration order; a section's own mixins belong to it. */
    private static void collectSections(CommandSpec spec, List<CommandSpec> sections) {
        for (CommandSpec mixin : spec.mixins().values()) {
            if (mixin.userObject() instanceof OptionSection) {
                sections.add(mixin);
            } else {
                collectSections(mixin, sections);
            }
        }
    }
}
