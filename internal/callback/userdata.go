package callback

import (
	"encoding/hex"
	"errors"

	"github.com/holdline/holdline/internal/status"
	"github.com/holdline/holdline/internal/userdata"
)

// User-data keys with a meaning for a telephony integration (behaviour.md §11).
const (
	// KeyGenesysUUI carries UUI for TIAL Genesys PSDK.
	KeyGenesysUUI = "UU_DATA"
	// KeyAvayaUUI carries UUI, in hexadecimal, for TIAL Avaya TSAPI.
	KeyAvayaUUI = "Avaya_UUI"
)

// checkUserData checks a user-data tree against the limits and the tenant's
// integration conventions; a failure is UserDataFailedValidation (108040).
func checkUserData(t *Tenant, l userdata.List) error {
	if err := l.Validate(); err != nil {
		return status.Wrap(status.UserDataFailedValidation, err, err.Error())
	}
	switch t.Integration {
	case IntegrationAvaya:
		if v, ok := l.Get(KeyAvayaUUI); ok {
			if err := hexValue(v); err != nil {
				return status.Errorf(status.UserDataFailedValidation, "%s must be hexadecimal for the Avaya integration: %v", KeyAvayaUUI, err)
			}
		}
	case IntegrationGenesys:
		if v, ok := l.Get(KeyGenesysUUI); ok && v.Kind != userdata.String && v.Kind != userdata.Binary {
			return status.Errorf(status.UserDataFailedValidation, "%s must be a string or binary value for the Genesys integration", KeyGenesysUUI)
		}
	}
	return nil
}

func hexValue(v userdata.Value) error {
	switch v.Kind {
	case userdata.Binary:
		return nil
	case userdata.String:
		if v.Str == "" {
			return errors.New("the value is empty")
		}
		_, err := hex.DecodeString(v.Str)
		return err
	}
	return errors.New("the value is not a string of hexadecimal digits")
}
