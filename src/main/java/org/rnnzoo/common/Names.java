package org.rnnzoo.common;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** "Did you mean" suggestions for unknown names, so every lookup error lists the close matches. */
public final class Names {
    private Names() {}

    public static List<String> closeMatches(String wanted, Collection<String> known) {
        List<String> out = new ArrayList<>();
        for (String k : known) {
            int d = editDistance(wanted.toLowerCase(), k.toLowerCase());
            if (d <= Math.max(2, wanted.length() / 3) || k.contains(wanted) || wanted.contains(k)) out.add(k);
        }
        out.sort(Comparator.comparingInt(k -> editDistance(wanted, k)));
        return out;
    }

    /** "unknown model 'lstm'; did you mean lstm-lm? (known: ...)" */
    public static String unknown(String what, String wanted, Collection<String> known) {
        List<String> close = closeMatches(wanted, known);
        String hint = close.isEmpty() ? "" : "; did you mean " + String.join(", ", close) + "?";
        return "unknown " + what + " '" + wanted + "'" + hint + " (known: " + String.join(", ", known) + ")";
    }

    static int editDistance(String a, String b) {
        return EditDistance.between(a.chars().toArray(), b.chars().toArray());   // the same count, over chars
    }
}
