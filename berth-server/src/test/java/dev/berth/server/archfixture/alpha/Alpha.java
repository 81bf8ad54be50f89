package dev.berth.server.archfixture.alpha;

import dev.berth.server.archfixture.beta.Beta;

/** Fixture for CycleRuleFailsOnACycleTest: alpha imports beta ... */
public class Alpha {

    public Beta beta() {
        return new Beta();
    }
}
