package org.rnnzoo.datasets;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The registry and the cards: names resolve, bad names list the valid ones, every card is complete. */
class DatasetsTest {
    private final DatasetStore store = new DatasetStore(Path.of("unused-cache"), null).offline();

    @Test
    void anUnknownNameListsTheValidNamesAndCloseMatches() {
        String msg = assertThrows(DatasetException.class, () -> Datasets.lm("pbt", store)).getMessage();
        assertTrue(msg.contains("unknown dataset 'pbt'") && msg.contains("did you mean ptb"), msg);
        assertTrue(msg.contains("ptb, brown, tinyshakespeare, sst2, sst5, mr, cmudict-g2p, eng-fra"), msg);
        assertTrue(assertThrows(DatasetException.class, () -> Datasets.classification("sst", store)).getMessage()
                .contains("did you mean sst2, sst5"));
    }

    @Test
    void aDatasetOfAnotherKindSaysHowToLoadIt() {
        String msg = assertThrows(DatasetException.class, () -> Datasets.lm("sst2", store)).getMessage();
        assertTrue(msg.contains("sentence-classification dataset") && msg.contains("Datasets.classification"), msg);
        assertTrue(msg.contains("ptb, brown, tinyshakespeare"), msg);
    }

    @Test
    void everyCardNamesItsFilesChecksumsLicenseAndAPublicUrl() {
        for (String name : Datasets.names()) {
            DatasetCard c = DatasetCard.load(name);
            assertEquals(name, c.name());
            assertFalse(c.license().isBlank() || c.citation().isBlank() || c.splitRecipe().isBlank() || c.description().isBlank(), name);
            assertFalse(c.files().isEmpty(), name);
            for (DatasetCard.FileEntry f : c.files()) {
                assertTrue(f.sha256().matches("[0-9a-f]{64}") && f.bytes() > 0, name + "/" + f.name());
                for (DatasetCard.Source s : c.sources(f)) {
                    assertTrue(s.url().startsWith("https://") && !s.url().contains("{file}"), s.url());
                    assertFalse(s.url().matches(".*(npmjs|registry\\.|pypi|maven|crates\\.io).*"), "never a package registry: " + s.url());
                }
            }
            assertTrue(c.counts().get("train") instanceof Number, name);
        }
        assertEquals(500, DatasetCard.load("brown").files().size());
        assertEquals("brown/ca01", DatasetCard.load("brown").sources(DatasetCard.load("brown").file("ca01")).get(0).member());
        assertTrue(DatasetCard.load("eng-fra").license().contains("CC BY 2.0"));
    }

    @Test
    void aFileNotOnTheCardIsAnError() {
        String msg = assertThrows(DatasetException.class, () -> store.path("ptb", "ptb.char.train.txt")).getMessage();
        assertTrue(msg.contains("'ptb'") && msg.contains("ptb.char.train.txt") && msg.contains("ptb.train.txt"), msg);
    }
}
