package dev.agentforge.server;

import java.io.InputStream;
import java.lang.reflect.Type;
import java.util.Objects;
import tools.jackson.databind.json.JsonMapper;

/**
 * Javalin's {@link io.javalin.json.JsonMapper} over Jackson 3. Javalin 7.2.3's own
 * {@code JavalinJackson} is written against Jackson 2, and this project uses Jackson 3.
 */
public final class Jackson3JsonMapper implements io.javalin.json.JsonMapper {

    private final JsonMapper mapper;

    public Jackson3JsonMapper(JsonMapper mapper) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    @Override
    public String toJsonString(Object object, Type type) {
        return mapper.writerFor(mapper.constructType(type)).writeValueAsString(object);
    }

    @Override
    public <T> T fromJsonString(String json, Type type) {
        return mapper.readValue(json, mapper.constructType(type));
    }

    @Override
    public <T> T fromJsonStream(InputStream json, Type type) {
        return mapper.readValue(json, mapper.constructType(type));
    }
}
