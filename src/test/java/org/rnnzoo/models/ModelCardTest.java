package org.rnnzoo.models;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.rnnzoo.common.ZooException;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelCardTest {

    @Test
    void setOverridesAnyCardValueWithItsType() {
        ModelCard c = ModelRegistry.card("lstm-lm").withAll(List.of("hidden=650", "model.layers=2", "lr=0.5", "optimizer=sgd"));
        assertEquals(650, c.getInt("hidden"));
        assertEquals(2, c.getInt("layers"));
        assertEquals(0.5, c.getDouble("lr"));
        assertEquals("sgd", c.getString("optimizer"));
        assertEquals(128, ModelRegistry.card("lstm-lm").getInt("hidden"), "cards are immutable");
    }

    @Test
    void unknownKeyListsCloseMatches() {
        ZooException e = assertThrows(ZooException.class, () -> ModelRegistry.card("lstm-lm").with("hiden", "3"));
        assertTrue(e.getMessage().contains("unknown card key 'hiden'; did you mean hidden"), e.getMessage());
    }

    @Test
    void unknownModelListsCloseMatches() {
        ZooException e = assertThrows(ZooException.class, () -> ModelRegistry.card("lstm"));
        assertTrue(e.getMessage().startsWith("unknown model 'lstm'; did you mean lstm-lm"), e.getMessage());
    }

    @Test
    void badValuesNameTheKeyAndValue() {
        ModelCard c = ModelRegistry.card("lstm-lm");
        assertEquals("bad value for hidden: -5 (must be > 0)", assertThrows(ZooException.class, () -> c.with("hidden", "-5")).getMessage());
        assertEquals("bad value for hidden: 'big' is not an integer", assertThrows(ZooException.class, () -> c.with("hidden", "big")).getMessage());
        assertEquals("bad value for dropout: 1.5 (must be in [0, 1))", assertThrows(ZooException.class, () -> c.with("dropout", "1.5")).getMessage());
        assertEquals("bad value for lr: -0.1 (must be >= 0)", assertThrows(ZooException.class, () -> c.with("lr", "-0.1")).getMessage());
    }

    @Test
    void aHighwayGateBiasMayBeNegativeAsItsPaperSays() {   // Srivastava et al. 2015, sec. 2.2: −1 to −3
        assertEquals(-3.0, ModelRegistry.card("highway-lm").with("gate_bias", "-3").getDouble("gate_bias"));
    }

    @Test
    void javasSpellingsOfNanAndInfinityAreRefusedLikeAnyOtherNonNumber() {
        ModelCard c = ModelRegistry.card("lstm-lm");
        for (String v : List.of("NaN", "Infinity", "-Infinity", "1e999"))
            assertEquals("bad value for lr: '" + v + "' is not a finite number",
                    assertThrows(ZooException.class, () -> c.with("lr", v)).getMessage());
    }

    @Test
    void cardRoundTripsThroughJson() {
        ModelCard c = ModelRegistry.card("rnn-lm").with("hidden", 33);
        assertEquals(c.asMap(), ModelCard.fromJson(c.toJson()).asMap());
    }

    @Test
    void registryBuildsEveryZooModelAsAComputationGraph() {
        for (String name : List.of("rnn-lm", "lstm-lm")) {
            ComputationGraph g = ModelRegistry.build(name, 50, "hidden=8", "embedding=4", "layers=2");
            // embedding 50x4; two recurrent layers; output 8x50+50
            assertTrue(g.numParams() > 50 * 4 + 8 * 50, name);
            assertEquals(4, g.getNumLayers(), name + ": embed, rnn0, rnn1, next");
        }
        // NPLM (Bengio 2003): C (V x m) + H (4m x h) + d + U (h x V) + b + W (4m x V, direct connections)
        long nplm = ModelRegistry.build("nplm", 50, "embedding=3", "hidden=7", "context=4").numParams();
        assertEquals(50 * 3 + (12 * 7 + 7) + (7 * 50 + 50) + 12 * 50, nplm);
        // LSTM params: 4 gates x (nIn*h + h*h + h)
        long lstm = ModelRegistry.build("lstm-lm", 50, "hidden=8", "embedding=4", "layers=1").numParams();
        assertEquals(50 * 4 + 4 * (4 * 8 + 8 * 8 + 8) + (8 * 50 + 50), lstm);
    }
}
