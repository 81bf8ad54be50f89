package dev.berth.runner.image;

/** The base images Berth builds itself (no registry can be reached from these machines). */
public enum BaseImage {
    BUSYBOX("berth/busybox", "berth/busybox:latest", "build-busybox", "busybox.tar"),
    DEFAULT("berth/default", "berth/default:latest", "build-default", "default.tar");

    private final String snapshotName;
    private final String imageRef;
    private final String builderScript;
    private final String tarball;

    BaseImage(String snapshotName, String imageRef, String builderScript, String tarball) {
        this.snapshotName = snapshotName;
        this.imageRef = imageRef;
        this.builderScript = builderScript;
        this.tarball = tarball;
    }

    public String snapshotName() {
        return snapshotName;
    }

    public String imageRef() {
        return imageRef;
    }

    public String builderScript() {
        return builderScript;
    }

    public String tarball() {
        return tarball;
    }
}
