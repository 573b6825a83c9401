package org.rnnzoo.common;

import java.nio.file.Path;

/** Where the zoo keeps its caches (datasets, trained models): one rule for every store. */
public final class ZooHome {
    private ZooHome() {}

    /**
     * The system property {@code zoo.home} first (tests point it at a temporary folder, since a JVM
     * cannot change its own environment), then {@code $ZOO_HOME}, else {@code ~/.rnnzoo}.
     */
    public static Path dir() {
        String home = System.getProperty("zoo.home");
        if (home == null || home.isBlank()) home = System.getenv("ZOO_HOME");
        return home != null && !home.isBlank() ? Path.of(home) : Path.of(System.getProperty("user.home"), ".rnnzoo");
    }
}
