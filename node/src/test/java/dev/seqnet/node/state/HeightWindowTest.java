package dev.seqnet.node.state;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The ring of recent heights: holds the last {@code capacity}, never more, and never answers for another height. */
class HeightWindowTest
{
    private record Item(long height)
    {
    }

    @Test
    void holdsTheLastCapacityHeightsAndForgetsOlderOnes()
    {
        final HeightWindow<Item> window = new HeightWindow<>(8, Item::height);
        final Item[] items = new Item[101];
        for (int h = 1; h <= 100; h++)
        {
            items[h] = new Item(h);
            window.put(items[h]);
            assertEquals(Math.min(h, 8), window.size(), "after height " + h);
        }
        for (int h = 1; h <= 92; h++)
        {
            assertNull(window.get(h), "height " + h + " fell out of the window");
        }
        for (int h = 93; h <= 100; h++)
        {
            assertSame(items[h], window.get(h));
        }
        assertNull(window.get(101), "not yet put, though its slot holds height 93");
        assertNull(window.get(0));
        assertNull(window.get(-8));
        assertEquals(8, window.capacity());
    }

    @Test
    void badCapacityOrHeightIsRefused()
    {
        assertThrows(IllegalArgumentException.class, () -> new HeightWindow<Item>(0, Item::height));
        final HeightWindow<Item> window = new HeightWindow<>(1, Item::height);
        assertThrows(IllegalArgumentException.class, () -> window.put(new Item(-1)));
    }
}
