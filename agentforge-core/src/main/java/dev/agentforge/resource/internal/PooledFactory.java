package dev.agentforge.resource.internal;

import dev.agentforge.resource.ObjectPool;
import org.apache.commons.pool2.BasePooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;

/** Adapts an {@link ObjectPool.Factory} to Commons Pool2's factory interface. */
public final class PooledFactory<T> extends BasePooledObjectFactory<T> {

    private final ObjectPool.Factory<T> factory;

    public PooledFactory(ObjectPool.Factory<T> factory) {
        this.factory = factory;
    }

    @Override
    public T create() throws Exception {
        return factory.create();
    }

    @Override
    public PooledObject<T> wrap(T object) {
        return new DefaultPooledObject<>(object);
    }

    @Override
    public boolean validateObject(PooledObject<T> pooled) {
        return factory.validate(pooled.getObject());
    }

    @Override
    public void destroyObject(PooledObject<T> pooled) throws Exception {
        factory.destroy(pooled.getObject());
    }
}
