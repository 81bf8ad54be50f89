package dev.berth.server.archfixture.beta;

/** ... and beta imports alpha back, written inline as the cycle this rule exists to catch was. */
public class Beta {

    public dev.berth.server.archfixture.alpha.Alpha alpha() {
        return null;
    }
}
