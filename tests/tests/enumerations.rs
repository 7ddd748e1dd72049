//! Generated enumerations keep their values as two tables (`VALUES` and the wire spellings)
//! read by one runtime helper: every value is written as its schema spelling and read back,
//! and anything else is refused naming the type and listing the values.

use std::str::FromStr;

use generated::exchange::messages::ResponseCodeType;
use generated::exchange::types::ExchangeVersionType;

#[test]
fn every_value_is_written_as_spelled_and_read_back() {
    // ResponseCodeType is the largest of the seeded enumerations (hundreds of codes).
    assert!(ResponseCodeType::VALUES.len() > 300, "{}", ResponseCodeType::VALUES.len());
    for &v in ResponseCodeType::VALUES {
        assert_eq!(ResponseCodeType::from_str(v.as_str()), Ok(v), "{v:?}");
        assert_eq!(v.to_string(), v.as_str());
    }
    let spelled: Vec<&str> = ExchangeVersionType::VALUES.iter().map(|v| v.as_str()).collect();
    assert_eq!(
        spelled,
        [
            "Exchange2007",
            "Exchange2007_SP1",
            "Exchange2010",
            "Exchange2010_SP1",
            "Exchange2010_SP2",
            "Exchange2013",
            "Exchange2013_SP1",
            "Exchange2016"
        ]
    );
    assert_eq!(ExchangeVersionType::Exchange2010Sp1.as_str(), "Exchange2010_SP1");
    assert_eq!(ResponseCodeType::NoError.as_str(), "NoError");
}

#[test]
fn other_text_is_refused_with_the_type_and_its_values() {
    let e = ExchangeVersionType::from_str("Exchange2010_sp1").expect_err("case matters");
    assert_eq!(
        e.message(),
        "'Exchange2010_sp1' is not a value of simple type {http://schemas.microsoft.com/exchange/services/2006/types}ExchangeVersionType \
         (expected one of: Exchange2007, Exchange2007_SP1, Exchange2010, Exchange2010_SP1, Exchange2010_SP2, Exchange2013, \
         Exchange2013_SP1, Exchange2016)"
    );
    for bad in ["", " Exchange2013", "Exchange2013 ", "Exchange20", "Exchange2016x"] {
        assert!(ExchangeVersionType::from_str(bad).is_err(), "{bad:?}");
    }
}
