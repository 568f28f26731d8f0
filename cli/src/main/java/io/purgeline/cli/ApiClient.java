package io.purgeline.cli;

import io.purgeline.contracts.Codec;
import io.purgeline.contracts.CodecException;
import io.purgeline.contracts.ErrorBody;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Every HTTP request of the command line goes through here: one worker's base URL, JSON bodies in the shared codec,
 * and the translation of what went wrong into a sentence and an exit code. Request signing, once the API requires it,
 * is added in {@link #send} and nowhere else.
 */
public final class ApiClient {
    private static final Codec JSON = new Codec(-1);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

    private final String baseUrl;
    private final String worker;
    private final String urlVariable;
    private final Credentials credentials;

    /**
     * @param worker      the worker that serves {@code baseUrl}, named in errors
     * @param urlVariable the environment variable that points the command line at it, named in errors
     */
    public ApiClient(String baseUrl, String worker, String urlVariable) {
        this(baseUrl, worker, urlVariable, null);
    }

    /** @param credentials what requests are signed with; null sends them unsigned (the probes need no signature) */
    ApiClient(String baseUrl, String worker, String urlVariable, Credentials credentials) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.worker = worker;
        this.urlVariable = urlVariable;
        this.credentials = credentials;
    }

    /** A status and body as the worker answered them; 4xx and 5xx never get here (see {@link #fail}). */
    public record Reply(int status, String body) {
        public <T> T as(Class<T> type) {
            try {
                return JSON.fromJson(body, type);
            } catch (CodecException e) {
                throw new CliException(ExitCodes.SERVER_ERROR, "bad_answer", "unexpected answer: " + e.getMessage());
            }
        }
    }

    public String baseUrl() {
        return baseUrl;
    }

    public Reply get(String pathAndQuery) {
        return send("GET", pathAndQuery, null);
    }

    public Reply post(String pathAndQuery, Object body) {
        return send("POST", pathAndQuery, body == null ? new byte[0]
                : JSON.toJson(body).getBytes(StandardCharsets.UTF_8));
    }

    public Reply delete(String pathAndQuery) {
        return send("DELETE", pathAndQuery, null);
    }

    private Reply send(String method, String pathAndQuery, byte[] body) {
        String sent = credentials == null ? pathAndQuery : Credentials.withNonce(pathAndQuery);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + sent))
                .timeout(ANSWER_TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (credentials != null) {
            credentials.sign(method, sent, body == null ? new byte[0] : body).forEach(request::header);
        }
        HttpResponse<String> response;
        try {
            response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw notRunning();
        } catch (HttpTimeoutException e) {
            throw new CliException(ExitCodes.SERVER_ERROR, "timeout", worker + " at " + baseUrl
                    + " did not answer " + method + " " + pathAndQuery + " within " + ANSWER_TIMEOUT.toSeconds() + " s");
        } catch (IOException e) {
            throw new CliException(ExitCodes.NOT_RUNNING, "not_running", worker + " at " + baseUrl
                    + " closed the connection (" + e.getMessage() + "); is it running? " + howToStart());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.SERVER_ERROR, "interrupted", "interrupted");
        }
        if (response.statusCode() >= 400) {
            throw fail(response);
        }
        return new Reply(response.statusCode(), response.body());
    }

    private CliException notRunning() {
        return new CliException(ExitCodes.NOT_RUNNING, "not_running",
                "nothing answers at " + baseUrl + " (" + worker + "). " + howToStart());
    }

    private String howToStart() {
        return "Start purgeline on this machine with `bin/purgeline up`, or point " + urlVariable
                + " at a running " + worker + ".";
    }

    private CliException fail(HttpResponse<String> response) {
        int status = response.statusCode();
        ErrorBody error;
        try {
            error = JSON.fromJson(response.body(), ErrorBody.class);
        } catch (CodecException e) {
            error = new ErrorBody("http_" + status, response.body());
        }
        String message = error.message() == null ? "HTTP " + status : error.message();
        int exit = switch (status) {
            case 400, 409, 413, 422 -> ExitCodes.BAD_INPUT;
            case 401, 403 -> ExitCodes.REFUSED;
            case 404 -> ExitCodes.NOT_FOUND;
            default -> ExitCodes.SERVER_ERROR;
        };
        if (status == 401 && credentials == null) {
            message += " (set PURGELINE_ACCESS_KEY and PURGELINE_SECRET_KEY to sign as a customer, or"
                    + " PURGELINE_ADMIN_KEY to sign as an operator)";
        }
        return new CliException(exit, error.error() == null ? "http_" + status : error.error(),
                status >= 500 ? worker + " answered " + status + ": " + message : message);
    }
}
