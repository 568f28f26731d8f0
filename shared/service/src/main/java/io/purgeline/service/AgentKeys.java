package io.purgeline.service;

/**
 * The credentials of the agent links (dispatch → agent → callback): the access key sent in {@code Accesskey} and the
 * shared secret that signs requests and makes callback tokens. One fleet-wide key for now; per-node keys come with
 * the security work.
 */
public record AgentKeys(String accessKey, String secret) {
    public static AgentKeys from(Env env) {
        return new AgentKeys(
                env.str("PURGELINE_AGENT_ACCESS_KEY", "purgeline"),
                env.str("PURGELINE_AGENT_SECRET", "purgeline-dev-agent-secret"));
    }
}
