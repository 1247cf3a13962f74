namespace OrleansRedis.Redis.RateLimiting;

public sealed partial class RateLimitStore
{
    /// <summary>
    /// The sliding log, the seed's sorted-set window done right: trim, count and add happen in one script; a denied
    /// request adds nothing (so a client retrying while denied is admitted as soon as the oldest entry leaves); every
    /// unit gets a unique member (so equal timestamps never collapse into one entry); a cost above what is left is
    /// denied whole. An entry admitted at t counts while now - window &lt; t; the key expires one window after its newest
    /// entry.
    /// KEYS[1]: the log, a ZSET with score = admission time in microseconds (Redis TIME), member = unique id.
    /// ARGV[1]: limit; ARGV[2]: window in microseconds; ARGV[3]: a nonce unique to this call;
    /// ARGV[4..]: the costs in arrival order (0 = peek: records nothing, answers for cost 1).
    /// Replies in the rate-limit reply shape (see <see cref="RateLimitStore"/>): columns 'allowed', 'remaining',
    /// 'retry_us', 'reset_us' with one entry per request, then 'batch_remaining', 'batch_retry_us' (for cost 1), 'now_us'.
    /// </summary>
    public const string SlidingLogScript = """
        local key = KEYS[1]
        local limit = tonumber(ARGV[1])
        local window = tonumber(ARGV[2])
        local nonce = ARGV[3]
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
        redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
        local stored = redis.call('ZCARD', key)
        local count = stored
        local newest = nil

        -- Time until the k-th oldest entry (1-based) leaves; entries added by this call carry score now.
        local function leaves(k)
          if k > limit then return window end
          if k <= stored then
            local entry = redis.call('ZRANGE', key, k - 1, k - 1, 'WITHSCORES')
            return tonumber(entry[2]) + window - now
          end
          return window
        end

        -- Time until every entry has left, i.e. the full limit is back.
        local function reset()
          if count == 0 then return 0 end
          if count > stored then return window end
          if newest == nil then
            local entry = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
            newest = tonumber(entry[2])
          end
          return newest + window - now
        end

        local added = {}
        local allowed, left, retry_us, reset_us = {}, {}, {}, {}
        for i = 4, #ARGV do
          local cost = tonumber(ARGV[i])
          if cost > 0 and count + cost <= limit then
            for j = 1, cost do
              added[#added + 1] = now
              added[#added + 1] = nonce .. ':' .. (i - 3) .. ':' .. j
            end
            count = count + cost
            allowed[#allowed + 1] = 1
            left[#left + 1] = limit - count
            retry_us[#retry_us + 1] = 0
            reset_us[#reset_us + 1] = reset()
          else
            local need = cost
            if need == 0 then need = 1 end
            local retry = 0
            if count + need > limit then retry = leaves(count + need - limit) end
            if cost == 0 and retry == 0 then allowed[#allowed + 1] = 1 else allowed[#allowed + 1] = 0 end
            left[#left + 1] = limit - count
            retry_us[#retry_us + 1] = retry
            reset_us[#reset_us + 1] = reset()
          end
        end

        for s = 1, #added, 2000 do
          redis.call('ZADD', key, unpack(added, s, math.min(s + 1999, #added)))
        end
        if #added > 0 then
          redis.call('PEXPIRE', key, math.ceil(window / 1000) + 1)
        end

        local next_retry = 0
        if count >= limit then next_retry = leaves(count + 1 - limit) end
        return {'allowed', allowed, 'remaining', left, 'retry_us', retry_us, 'reset_us', reset_us,
          'batch_remaining', limit - count, 'batch_retry_us', next_retry, 'now_us', now}
        """;
}
