//! `Fn::Cidr`: `count` consecutive blocks with `bits` host bits each, carved from the start of
//! `block`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// CloudFormation allows at most 256 blocks.
const MAX_COUNT: i64 = 256;

pub fn subnets(block: &str, count: i64, bits: i64) -> Option<Vec<String>> {
    let (address, prefix) = block.split_once('/')?;
    let address: IpAddr = address.trim().parse().ok()?;
    let prefix: u32 = prefix.trim().parse().ok()?;
    let width = if address.is_ipv4() { 32 } else { 128 };
    let bits = u32::try_from(bits).ok().filter(|&b| b >= 1 && b <= width - prefix.min(width))?;
    if prefix > width || !(1..=MAX_COUNT).contains(&count) {
        return None;
    }
    let new_prefix = width - bits;
    // Room for `count` blocks of the new size inside the given block.
    if new_prefix - prefix < 64 && (count as u128) > 1u128 << (new_prefix - prefix) {
        return None;
    }
    let start = to_u128(address) & mask(prefix, width);
    let blocks = (0..count as u128).map(|i| {
        let network = start.wrapping_add(i.checked_shl(bits).unwrap_or(0));
        format!("{}/{new_prefix}", from_u128(network, address.is_ipv4()))
    });
    Some(blocks.collect())
}

/// Network mask of `prefix` ones in a `width`-bit address.
fn mask(prefix: u32, width: u32) -> u128 {
    let all = if width == 128 { u128::MAX } else { (1u128 << width) - 1 };
    let host = width - prefix;
    all.checked_shr(host).unwrap_or(0).checked_shl(host).unwrap_or(0)
}

fn to_u128(address: IpAddr) -> u128 {
    match address {
        IpAddr::V4(a) => u32::from(a) as u128,
        IpAddr::V6(a) => u128::from(a),
    }
}

fn from_u128(n: u128, v4: bool) -> IpAddr {
    match v4 {
        true => IpAddr::V4(Ipv4Addr::from(n as u32)),
        false => IpAddr::V6(Ipv6Addr::from(n)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4() {
        assert_eq!(subnets("10.0.0.0/16", 3, 8).unwrap(), ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"]);
        assert_eq!(subnets("192.168.1.77/24", 2, 6).unwrap(), ["192.168.1.0/26", "192.168.1.64/26"]);
        assert!(subnets("10.0.0.0/24", 5, 6).is_none()); // only four /26 fit
        assert!(subnets("10.0.0.0/24", 1, 9).is_none());
        assert!(subnets("nonsense", 1, 8).is_none());
    }

    #[test]
    fn ipv6() {
        assert_eq!(subnets("2001:db8::/56", 2, 64).unwrap(), ["2001:db8::/64", "2001:db8:0:1::/64"]);
    }
}
