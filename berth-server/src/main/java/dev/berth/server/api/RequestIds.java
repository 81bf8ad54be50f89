package dev.berth.server.api;

import jakarta.servlet.http.HttpServletRequest;

/** The request id assigned by {@link dev.berth.server.auth.AuthenticationFilter}, echoed as X-Request-Id. */
public final class RequestIds {

    public static final String ATTRIBUTE = "berth.requestId";
    public static final String HEADER = "X-Request-Id";

    private RequestIds() {
    }

    public static String current(HttpServletRequest req) {
        Object v = req.getAttribute(ATTRIBUTE);
        return v == null ? null : v.toString();
    }
}
