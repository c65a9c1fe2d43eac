namespace Switch.Runtime.Actors;

/// <summary>A message with its sender, as it sits in a mailbox.</summary>
internal readonly record struct Envelope(object Message, ActorRef? Sender);

/// <summary>A growable ring buffer of envelopes: the stash and the unstashed messages that go before the mailbox.</summary>
internal sealed class EnvelopeDeque
{
    private Envelope[] _items = new Envelope[8];
    private int _head;

    public int Count { get; private set; }

    public void PushBack(Envelope envelope)
    {
        Grow(1);
        _items[(_head + Count) & (_items.Length - 1)] = envelope;
        Count++;
    }

    /// <summary>Moves every envelope of <paramref name="other"/> in front of this deque's, keeping their order.</summary>
    public void PushFrontAll(EnvelopeDeque other)
    {
        Grow(other.Count);
        for (var i = other.Count - 1; i >= 0; i--)
        {
            _head = (_head - 1) & (_items.Length - 1);
            _items[_head] = other._items[(other._head + i) & (other._items.Length - 1)];
            Count++;
        }
        other.Clear();
    }

    public Envelope PopFront()
    {
        var envelope = _items[_head];
        _items[_head] = default;
        _head = (_head + 1) & (_items.Length - 1);
        Count--;
        return envelope;
    }

    public void Clear()
    {
        Array.Clear(_items);
        _head = 0;
        Count = 0;
    }

    private void Grow(int extra)
    {
        if (Count + extra <= _items.Length) return;
        var size = _items.Length;
        while (size < Count + extra) size *= 2;
        var items = new Envelope[size];
        for (var i = 0; i < Count; i++) items[i] = _items[(_head + i) & (_items.Length - 1)];
        _items = items;
        _head = 0;
    }
}
